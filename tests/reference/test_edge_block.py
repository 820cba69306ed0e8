"""NumPy reference EdgeBlock: hand-checked values, the 'SAME' padding rule, errors."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss._padding import same_padding
from faceloss.reference import avg_pool_same, edge_block


def brute_force_avg_pool(x: np.ndarray, s: int) -> np.ndarray:
    """Per-pixel definition: the mean of the input pixels of the clipped window."""
    before, after = (s - 1) // 2, s // 2
    _, h, w, _ = x.shape
    out = np.empty_like(x)
    for i in range(h):
        for j in range(w):
            rows = slice(max(i - before, 0), min(i + after, h - 1) + 1)
            cols = slice(max(j - before, 0), min(j + after, w - 1) + 1)
            out[:, i, j] = x[:, rows, cols].mean(axis=(1, 2))
    return out


def test_same_padding_puts_the_odd_pixel_after():
    assert same_padding(10) == (4, 5)
    assert same_padding(5) == (2, 2)
    assert same_padding(1) == (0, 0)


@pytest.mark.parametrize("s", [1, 2, 3, 5, 7, 10, 12])
@pytest.mark.parametrize("size", [(1, 1), (2, 3), (7, 4), (12, 13)])
def test_avg_pool_same_equals_per_pixel_definition(s, size):
    x = np.random.default_rng(s).standard_normal((2, *size, 3))
    np.testing.assert_allclose(avg_pool_same(x, s), brute_force_avg_pool(x, s), rtol=1e-13)


def test_avg_pool_same_s10_worked_example():
    # 12 pixels in a row, s = 10: pixel 0 averages pixels 0..5 (4 padded before, not counted),
    # pixel 11 averages 7..11 (5 padded after), pixel 4 averages 0..9.
    row = np.arange(12.0).reshape(1, 1, 12, 1)
    pooled = avg_pool_same(row, 10)[0, 0, :, 0]
    assert pooled[0] == pytest.approx(2.5)
    assert pooled[4] == pytest.approx(4.5)
    assert pooled[7] == pytest.approx(7.0)
    assert pooled[11] == pytest.approx(9.0)


def test_avg_pool_same_of_a_map_smaller_than_the_window_is_its_mean():
    x = np.random.default_rng(0).random((1, 2, 3, 2))
    np.testing.assert_allclose(
        avg_pool_same(x, 10), np.broadcast_to(x.mean((1, 2), keepdims=True), x.shape)
    )


def test_edge_block_concatenates_features_first_then_difference():
    x = np.random.default_rng(1).random((2, 6, 5, 3))
    weight, bias = np.ones((1, 1, 3, 1)), np.array([0.25])
    concat, edge = edge_block(x, weight, bias, 5)
    difference = x - avg_pool_same(x, 5)
    np.testing.assert_array_equal(concat[..., :3], x)
    np.testing.assert_allclose(concat[..., 3:], difference, rtol=1e-14)
    np.testing.assert_allclose(edge[..., 0], difference.sum(3) + 0.25, rtol=1e-13)


def test_edge_block_relu_rectifies_the_difference_before_concat_and_conv():
    x = np.random.default_rng(2).random((1, 8, 8, 2))
    weight = np.array([1.0, -2.0]).reshape(1, 1, 2, 1)
    concat, edge = edge_block(x, weight, None, 7, relu=True)
    rectified = np.maximum(x - avg_pool_same(x, 7), 0.0)
    np.testing.assert_allclose(concat[..., 2:], rectified, rtol=1e-14)
    np.testing.assert_allclose(edge[..., 0], rectified[..., 0] - 2 * rectified[..., 1], rtol=1e-12)


def test_edge_block_of_constant_features_is_the_bias():
    x = np.full((1, 9, 9, 4), 0.7)
    _, edge = edge_block(x, np.ones((1, 1, 4, 1)), np.array([-0.5]), 10)
    np.testing.assert_allclose(edge, -0.5, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"pool_size": 0}, ValueError, "pool_size must be at least 1"),
        ({"pool_size": 2.0}, TypeError, "pool_size must be an int"),
        ({"pool_size": True}, TypeError, "pool_size must be an int"),
        ({"relu": 1}, TypeError, "relu must be a bool"),
        ({"weight": np.ones((1, 1, 2, 1))}, ValueError, "features must have 2 channel"),
        ({"weight": np.ones((1, 3, 1, 1))}, ValueError, r"weight must have shape \(1, 1, \?, 1\)"),
        ({"weight": np.ones((3, 1))}, ValueError, "weight must have shape"),
        ({"bias": np.ones(2)}, ValueError, r"bias must have shape \(1\) \(out,\), got \(2\)"),
        ({"features": np.ones((4, 4, 3))}, ValueError, "features must be a 4-D batch"),
        ({"features": np.ones((1, 4, 4, 3), dtype=int)}, TypeError, "floating-point"),
    ],
)
def test_edge_block_raises_on_bad_arguments(kwargs, error, match):
    arguments = {
        "features": np.ones((1, 4, 4, 3)),
        "weight": np.ones((1, 1, 3, 1)),
        "bias": np.zeros(1),
        "pool_size": 3,
        "relu": False,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        edge_block(**arguments)


def test_numpy_integer_pool_size_is_accepted():
    x = np.random.default_rng(3).random((1, 6, 6, 2))
    np.testing.assert_array_equal(avg_pool_same(x, np.int64(5)), avg_pool_same(x, 5))
