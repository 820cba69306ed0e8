"""The multi-scale edge loss: edge-block outputs against Canny targets (paper eq. 3)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from faceloss.spec import REDUCTIONS
from faceloss.torch._checks import (
    check_choice,
    check_finite,
    check_image,
    check_same_batch,
    check_same_length,
    check_same_shape,
    check_scale_weights,
    check_sequence,
)
from faceloss.torch._precision import at_least_float32


def edge_loss(
    edges: Sequence[torch.Tensor],
    targets: Sequence[torch.Tensor],
    weights: Sequence[float] | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Edge loss (eq. 3): per-scale mean squared error to the Canny targets, summed over scales.

    .. math::
        L_e = \sum_{k} w_k \frac{1}{N H_k W_k} \sum_{n, x, y}
              \left(E_k(I_{LR})_{n,x,y} - C_k(I_{HR})_{n,x,y}\right)^2

    Scale :math:`k` is the k-th edge block (output size :math:`H_k \times W_k`, i.e.
    :math:`rw \times rh` in eq. 3) and its Canny target. The weights :math:`w_k`
    default to 1 (the paper's plain sum); the loss weight :math:`\gamma` of eq. 11 is
    the caller's.

    Args:
        edges: edge-block outputs, a list/tuple with one tensor :math:`(N, 1, H_k, W_k)`
            per scale, floats.
        targets: the Canny edge targets, same length, each of its edge's shape (values
            usually in {0, 1}), matched with ``edges`` by position.
        weights: ``None`` (all 1) or one finite, non-negative weight per scale.
        reduction: ``"mean"`` (the formula above: a scalar), ``"sum"`` (the same with
            sums instead of means over :math:`N, H_k, W_k`) or ``"none"`` (per sample,
            shape :math:`(N,)`: each image's weighted sum over the scales of its mean
            squared error; their mean is the ``"mean"`` value).

    Returns:
        A tensor of shape ``()`` for "mean"/"sum", :math:`(N,)` for "none".

    Raises:
        TypeError: ``edges``/``targets`` is not a list or tuple (e.g. a single tensor),
            holds a non-float tensor, or a weight is not a real number.
        ValueError: empty sequences, different numbers of edges, targets or weights, an
            edge and its target differ in shape, not 1 channel, scales with different
            batch sizes, a negative or non-finite weight, an unknown ``reduction``, or
            NaN/Inf in an input (while value checks are on).

    Example:
        >>> import torch
        >>> edges = [torch.full((2, 1, 4, 4), 0.5), torch.zeros(2, 1, 8, 8)]
        >>> targets = [torch.ones(2, 1, 4, 4), torch.ones(2, 1, 8, 8)]
        >>> float(edge_loss(edges, targets))  # 0.25 + 1.0
        1.25
        >>> float(edge_loss(edges, targets, weights=[2.0, 0.5]))
        1.0
        >>> edge_loss(edges, targets, reduction="none").shape
        torch.Size([2])
    """
    edges = check_sequence(edges, "edges")
    targets = check_sequence(targets, "targets")
    check_same_length("edges", len(edges), "targets", len(targets))
    weights = check_scale_weights(weights, len(edges))
    check_choice("reduction", reduction, REDUCTIONS)
    edges = tuple(check_image(e, f"edges[{k}]", channels=1) for k, e in enumerate(edges))
    targets = tuple(check_image(t, f"targets[{k}]", channels=1) for k, t in enumerate(targets))
    for k, (edge, target) in enumerate(zip(edges, targets, strict=True)):
        check_same_shape(edge, f"edges[{k}]", target, f"targets[{k}]")
        check_same_batch("edges[0]", edges[0].shape[0], f"edges[{k}]", edge.shape[0])
        check_finite(edge, f"edges[{k}]")
        check_finite(target, f"targets[{k}]")
    cast, dtype = at_least_float32(*edges, *targets)
    edges, targets = cast[: len(edges)], cast[len(edges) :]
    total = None
    for k, (edge, target) in enumerate(zip(edges, targets, strict=True)):
        squared = (edge - target).square()
        if reduction == "sum":
            value = squared.sum()
        elif reduction == "mean":
            value = squared.mean()
        else:
            value = squared.mean(dim=(1, 2, 3))
        if weights is not None:
            value = weights[k] * value
        total = value if total is None else total + value
    return total.to(dtype)


class EdgeLoss(nn.Module):
    r"""Multi-scale edge loss (eq. 3) as a module; see :func:`edge_loss`.

    ``forward(edges, targets)`` takes a list/tuple of edge-block outputs and one of
    Canny targets, matched by position (e.g. the three edge blocks of Table 1 and the
    targets of the HR image at 1/4, 1/2 and full size).

    Args:
        weights: ``None`` (every scale weighs 1, the paper's sum) or one finite,
            non-negative weight per scale; fixes the number of scales.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (per sample, :math:`(N,)`).

    Shape:
        - edges: sequence of :math:`(N, 1, H_k, W_k)`, floats.
        - targets: sequence of the same shapes.
        - output: scalar, or :math:`(N,)` for ``reduction="none"``.

    Example:
        >>> import torch
        >>> criterion = EdgeLoss(weights=[1.0, 1.0, 1.0])
        >>> edges = [torch.rand(2, 1, s, s, requires_grad=True) for s in (32, 64, 128)]
        >>> targets = [(torch.rand(2, 1, s, s) > 0.9).float() for s in (32, 64, 128)]
        >>> loss = criterion(edges, targets)
        >>> loss.backward()
        >>> edges[2].grad.shape
        torch.Size([2, 1, 128, 128])
    """

    def __init__(self, weights: Sequence[float] | None = None, reduction: str = "mean") -> None:
        super().__init__()
        self.weights = check_scale_weights(weights)
        check_choice("reduction", reduction, REDUCTIONS)
        self.reduction = reduction

    def forward(
        self, edges: Sequence[torch.Tensor], targets: Sequence[torch.Tensor]
    ) -> torch.Tensor:
        return edge_loss(edges, targets, self.weights, self.reduction)

    def extra_repr(self) -> str:
        return f"weights={self.weights}, reduction={self.reduction!r}"
