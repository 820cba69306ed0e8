"""Jensen-Shannon divergence between softmax distributions (paper section 3.2, eqs. 5-6)."""

from __future__ import annotations

import tensorflow as tf

from faceloss import _validation as v
from faceloss.spec import LN2
from faceloss.tf._checks import check_axis, check_finite, check_tensor, static_shape
from faceloss.tf._precision import at_least_float32


def js_divergence(logits_p: tf.Tensor, logits_q: tf.Tensor, axis: int = -1) -> tf.Tensor:
    r"""Jensen-Shannon divergence, in nats, between ``softmax(logits_p)`` and ``softmax(logits_q)``.

    .. math::
        D_{JS}(P, Q) = \tfrac12 D_{KL}(P \,\|\, M) + \tfrac12 D_{KL}(Q \,\|\, M),
        \quad M = \tfrac12 (P + Q)

    Written with :math:`d = \log Q - \log P` (both log-softmax) as

    .. math::
        D_{JS} = \tfrac12 \sum_i \left[P_i (\ln 2 - \mathrm{softplus}(d_i))
                 + Q_i (\ln 2 - \mathrm{softplus}(-d_i))\right],

    which never takes the log of a probability that underflowed to 0, so it is
    finite with finite gradients for any finite logits (also +-1e4). The result is
    symmetric, lies in :math:`[0, \ln 2]` (clipped there against rounding; the clip
    passes the gradient through unchanged) and is exactly 0 for equal inputs.

    Args:
        logits_p: unnormalised log-probabilities, any shape with the bins on ``axis``.
        logits_q: same shape as ``logits_p``.
        axis: the axis holding the bins (e.g. the 512 embedding bins of eq. 6).

    Returns:
        Tensor of the input shape without ``axis``: one divergence per row.

    Raises:
        TypeError: an input is not a floating-point tensor.
        ValueError: shapes differ, an input is 0-D, ``axis`` is out of range, or an
            input holds NaN/Inf (while value checks are on, eagerly).

    Example:
        >>> import tensorflow as tf
        >>> p = tf.constant([[10.0, 0.0], [0.0, 0.0]])
        >>> q = tf.constant([[0.0, 10.0], [0.0, 0.0]])
        >>> [round(float(x), 4) for x in js_divergence(p, q)]
        [0.6926, 0.0]
    """
    logits_p = check_tensor(logits_p, "logits_p")
    logits_q = check_tensor(logits_q, "logits_q")
    if logits_p.shape.rank is None or logits_q.shape.rank is None:
        raise ValueError("logits_p and logits_q must have a known rank")
    v.check_same_shape("logits_p", static_shape(logits_p), "logits_q", static_shape(logits_q))
    if logits_p.shape.rank == 0:
        raise ValueError("logits_p and logits_q must have at least 1 dimension (the bins), got 0-D")
    axis = check_axis("axis", axis, logits_p.shape.rank)
    if logits_p.shape[axis] == 0:
        raise ValueError(
            f"logits_p has no bins: axis {axis} of shape {static_shape(logits_p)} is empty"
        )
    check_finite(logits_p, "logits_p")
    check_finite(logits_q, "logits_q")
    (logits_p, logits_q), dtype = at_least_float32(logits_p, logits_q)
    log_p = tf.nn.log_softmax(logits_p, axis=axis)
    log_q = tf.nn.log_softmax(logits_q, axis=axis)
    d = log_q - log_p
    ln2 = tf.constant(LN2, dtype=d.dtype)
    terms = tf.exp(log_p) * (ln2 - tf.nn.softplus(d)) + tf.exp(log_q) * (ln2 - tf.nn.softplus(-d))
    raw = 0.5 * tf.reduce_sum(terms, axis=axis)
    # The clip only removes rounding outside [0, ln 2]; the gradient is the formula's own
    # (straight through), so a value rounded to -1e-9 near P == Q keeps its true gradient.
    return tf.cast(raw + tf.stop_gradient(tf.clip_by_value(raw, 0.0, ln2) - raw), dtype)
