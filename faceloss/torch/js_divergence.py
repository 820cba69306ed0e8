"""Jensen-Shannon divergence between softmax distributions (paper section 3.2, eqs. 5-6)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from faceloss import _validation as v
from faceloss.spec import LN2
from faceloss.torch._checks import check_axis, check_finite, check_tensor
from faceloss.torch._precision import at_least_float32


def js_divergence(logits_p: torch.Tensor, logits_q: torch.Tensor, dim: int = -1) -> torch.Tensor:
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
        logits_p: unnormalised log-probabilities, any shape with the bins on ``dim``.
        logits_q: same shape as ``logits_p``.
        dim: the dimension holding the bins (e.g. the 512 embedding bins of eq. 6).

    Returns:
        Tensor of the input shape without ``dim``: one divergence per row.

    Raises:
        TypeError: an input is not a floating-point tensor.
        ValueError: shapes differ, an input is 0-D, ``dim`` is out of range, or an
            input holds NaN/Inf (while value checks are on).

    Example:
        >>> import torch
        >>> p = torch.tensor([[10.0, 0.0], [0.0, 0.0]])
        >>> q = torch.tensor([[0.0, 10.0], [0.0, 0.0]])
        >>> js_divergence(p, q)
        tensor([0.6926, 0.0000])
    """
    logits_p = check_tensor(logits_p, "logits_p")
    logits_q = check_tensor(logits_q, "logits_q")
    v.check_same_shape("logits_p", tuple(logits_p.shape), "logits_q", tuple(logits_q.shape))
    if logits_p.dim() == 0:
        raise ValueError("logits_p and logits_q must have at least 1 dimension (the bins), got 0-D")
    dim = check_axis("dim", dim, logits_p.dim())
    if logits_p.shape[dim] == 0:
        raise ValueError(
            f"logits_p has no bins: dim {dim} of shape {tuple(logits_p.shape)} is empty"
        )
    check_finite(logits_p, "logits_p")
    check_finite(logits_q, "logits_q")
    (logits_p, logits_q), dtype = at_least_float32(logits_p, logits_q)
    log_p = F.log_softmax(logits_p, dim=dim)
    log_q = F.log_softmax(logits_q, dim=dim)
    d = log_q - log_p
    terms = log_p.exp() * (LN2 - F.softplus(d)) + log_q.exp() * (LN2 - F.softplus(-d))
    raw = 0.5 * terms.sum(dim=dim)
    # The clip only removes rounding outside [0, ln 2]; the gradient is the formula's own
    # (straight through), so a value rounded to -1e-9 near P == Q keeps its true gradient.
    return (raw + (raw.clamp(0.0, LN2) - raw).detach()).to(dtype)
