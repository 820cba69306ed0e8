"""The multi-scale edge loss: edge-block outputs against Canny targets (paper eq. 3)."""

from __future__ import annotations

import numpy as np

from faceloss.reference._checks import (
    check_choice,
    check_finite,
    check_image,
    check_same_batch,
    check_same_length,
    check_same_shape,
    check_scale_weights,
    check_sequence,
)
from faceloss.spec import REDUCTIONS


def edge_loss(
    edges: list[np.ndarray] | tuple[np.ndarray, ...],
    targets: list[np.ndarray] | tuple[np.ndarray, ...],
    weights: list[float] | tuple[float, ...] | None = None,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Edge loss (eq. 3): per-scale mean squared error to the Canny targets, summed over scales.

    .. math::
        L_e = \sum_{k} w_k \frac{1}{N H_k W_k} \sum_{n, x, y}
              \left(E_k(I_{LR})_{n,x,y} - C_k(I_{HR})_{n,x,y}\right)^2

    Scale :math:`k` is the k-th edge block (output size :math:`H_k \times W_k`, i.e.
    :math:`rw \times rh` in eq. 3) and its Canny target. The weights :math:`w_k`
    default to 1 (the paper's plain sum); the loss weight :math:`\gamma` of eq. 11 is
    the caller's.

    Args:
        edges: edge-block outputs, a list/tuple with one array :math:`(N, H_k, W_k, 1)`
            per scale, floats.
        targets: the Canny edge targets, same length, each of its edge's shape (values
            usually in {0, 1}), matched with ``edges`` by position.
        weights: ``None`` (all 1) or one finite, non-negative weight per scale.
        reduction: ``"mean"`` (the formula above: a scalar), ``"sum"`` (the same with
            sums instead of means over :math:`N, H_k, W_k`) or ``"none"`` (per sample,
            shape :math:`(N,)`: each image's weighted sum over the scales of its mean
            squared error; their mean is the ``"mean"`` value).

    Returns:
        A float64 array of shape ``()`` for "mean"/"sum", :math:`(N,)` for "none".

    Raises:
        TypeError: ``edges``/``targets`` is not a list or tuple (e.g. a single array),
            holds a non-float array, or a weight is not a real number.
        ValueError: empty sequences, different numbers of edges, targets or weights, an
            edge and its target differ in shape, not 1 channel, scales with different
            batch sizes, a negative or non-finite weight, an unknown ``reduction``, or
            NaN/Inf in an input (while value checks are on).

    Example:
        >>> import numpy as np
        >>> edges = [np.full((2, 4, 4, 1), 0.5), np.zeros((2, 8, 8, 1))]
        >>> targets = [np.ones((2, 4, 4, 1)), np.ones((2, 8, 8, 1))]
        >>> float(edge_loss(edges, targets))  # 0.25 + 1.0
        1.25
        >>> float(edge_loss(edges, targets, weights=[2.0, 0.5]))
        1.0
        >>> edge_loss(edges, targets, reduction="none").shape
        (2,)
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
    per_scale = []
    for edge, target in zip(edges, targets, strict=True):
        squared = (edge.astype(np.float64) - target.astype(np.float64)) ** 2
        if reduction == "sum":
            per_scale.append(squared.sum())
        elif reduction == "mean":
            per_scale.append(squared.mean())
        else:
            per_scale.append(squared.mean(axis=(1, 2, 3)))
    scale_weights = (1.0,) * len(edges) if weights is None else weights
    return np.asarray(sum(w * value for w, value in zip(scale_weights, per_scale, strict=True)))
