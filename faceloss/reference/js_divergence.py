"""Jensen-Shannon divergence between softmax distributions (paper section 3.2, eqs. 5-6)."""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax

from faceloss.reference._checks import as_float_array, check_axis, check_finite, check_same_shape
from faceloss.spec import LN2


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def js_divergence(logits_p: np.ndarray, logits_q: np.ndarray, axis: int = -1) -> np.ndarray:
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
        float64 array of the input shape without ``axis``: one divergence per row.

    Raises:
        TypeError: an input is not a floating-point array.
        ValueError: shapes differ, an input is 0-D, ``axis`` is out of range, or an
            input holds NaN/Inf (while value checks are on).

    Example:
        >>> import numpy as np
        >>> p = np.array([[10.0, 0.0], [0.0, 0.0]])
        >>> q = np.array([[0.0, 10.0], [0.0, 0.0]])
        >>> js_divergence(p, q).round(4)
        array([0.6926, 0.    ])
    """
    logits_p = as_float_array(logits_p, "logits_p")
    logits_q = as_float_array(logits_q, "logits_q")
    check_same_shape(logits_p, "logits_p", logits_q, "logits_q")
    if logits_p.ndim == 0:
        raise ValueError("logits_p and logits_q must have at least 1 dimension (the bins), got 0-D")
    axis = check_axis("axis", axis, logits_p.ndim)
    if logits_p.shape[axis] == 0:
        raise ValueError(f"logits_p has no bins: axis {axis} of shape {logits_p.shape} is empty")
    check_finite(logits_p, "logits_p")
    check_finite(logits_q, "logits_q")
    log_p = log_softmax(logits_p.astype(np.float64), axis=axis)
    log_q = log_softmax(logits_q.astype(np.float64), axis=axis)
    d = log_q - log_p
    terms = np.exp(log_p) * (LN2 - _softplus(d)) + np.exp(log_q) * (LN2 - _softplus(-d))
    return np.clip(0.5 * terms.sum(axis=axis), 0.0, LN2)
