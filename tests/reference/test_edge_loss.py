"""NumPy reference edge loss (eq. 3): values, reductions, weights, errors."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import edge_loss


def scales(n: int = 2) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(0)
    edges = [rng.standard_normal((n, s, s, 1)) for s in (4, 8, 16)]
    targets = [(rng.random((n, s, s, 1)) > 0.7).astype(np.float64) for s in (4, 8, 16)]
    return edges, targets


def test_edge_loss_is_the_sum_of_per_scale_mse():
    edges, targets = scales()
    expected = sum(np.mean((e - t) ** 2) for e, t in zip(edges, targets, strict=True))
    assert float(edge_loss(edges, targets)) == pytest.approx(expected, rel=1e-14)


def test_edge_loss_is_zero_for_perfect_edges():
    _, targets = scales()
    assert float(edge_loss(targets, targets)) == 0.0


def test_edge_loss_weights_scale_each_scale():
    edges, targets = scales()
    per_scale = [float(edge_loss([e], [t])) for e, t in zip(edges, targets, strict=True)]
    weighted = float(edge_loss(edges, targets, weights=[0.5, 0.0, 3.0]))
    assert weighted == pytest.approx(0.5 * per_scale[0] + 3.0 * per_scale[2], rel=1e-14)


def test_edge_loss_none_reduction_gives_per_sample_values_averaging_to_mean():
    edges, targets = scales(3)
    per_sample = edge_loss(edges, targets, reduction="none")
    assert per_sample.shape == (3,)
    assert per_sample.mean() == pytest.approx(float(edge_loss(edges, targets)), rel=1e-14)
    first = edge_loss([e[:1] for e in edges], [t[:1] for t in targets])
    assert per_sample[0] == pytest.approx(float(first), rel=1e-14)


def test_edge_loss_sum_reduction_sums_squared_errors():
    edges, targets = scales()
    expected = sum(np.sum((e - t) ** 2) for e, t in zip(edges, targets, strict=True))
    assert float(edge_loss(edges, targets, reduction="sum")) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda e, t: (e[0], t), TypeError, "edges must be a list or tuple of tensors"),
        (lambda e, t: ([], []), ValueError, "edges must hold at least one scale"),
        (lambda e, t: (e, t[:2]), ValueError, "same number of scales, got 3 and 2"),
        (lambda e, t: (e, [t[0], t[2], t[1]]), ValueError, r"edges\[1\] and targets\[1\]"),
        (lambda e, t: ([e[0], e[1][:1], e[2]], t), ValueError, "same shape|same number of images"),
        (lambda e, t: ([np.ones((2, 4, 4, 2))], [np.ones((2, 4, 4, 2))]), ValueError, "1 channel"),
        (lambda e, t: ([e[0] * np.nan, *e[1:]], t), ValueError, "NaN or Inf"),
    ],
)
def test_edge_loss_raises_on_bad_inputs(change, error, match):
    edges, targets = change(*scales())
    with pytest.raises(error, match=match):
        edge_loss(edges, targets)


def test_edge_loss_raises_on_different_batch_sizes_across_scales():
    edges, targets = scales()
    edges[1], targets[1] = edges[1][:1], targets[1][:1]
    with pytest.raises(ValueError, match="same number of images, got batch sizes 2 and 1"):
        edge_loss(edges, targets)


@pytest.mark.parametrize(
    ("weights", "error", "match"),
    [
        ([1.0, 1.0], ValueError, "3 scale\\(s\\), got 2 weight"),
        ([1.0, -1.0, 1.0], ValueError, "finite and non-negative"),
        ([1.0, float("nan"), 1.0], ValueError, "finite and non-negative"),
        ([1.0, "a", 1.0], TypeError, "must be a real number"),
        ([1.0, True, 1.0], TypeError, "must be a real number"),
        (1.0, TypeError, "weights must be None or a list"),
    ],
)
def test_edge_loss_raises_on_bad_weights(weights, error, match):
    with pytest.raises(error, match=match):
        edge_loss(*scales(), weights=weights)


def test_edge_loss_raises_on_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be one of"):
        edge_loss(*scales(), reduction="avg")
