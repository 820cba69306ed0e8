"""faceloss.reference.edge_targets and downscale_x2: the x2 bilinear pyramid and per-scale Canny."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import canny, downscale_x2, edge_targets

cv2 = pytest.importorskip("cv2", reason="needs the opencv extra")


@pytest.mark.parametrize("interpolation", ["INTER_LINEAR", "INTER_AREA"])
def test_downscale_x2_equals_cv2_bilinear_and_area_resize(interpolation):
    image = np.random.default_rng(0).random((1, 16, 24, 3)).astype(np.float32)
    expected = cv2.resize(image[0], (12, 8), interpolation=getattr(cv2, interpolation))
    np.testing.assert_allclose(downscale_x2(image)[0], expected, rtol=0, atol=1e-6)


def test_downscale_x2_keeps_dtype_and_channels():
    image = np.random.default_rng(1).random((2, 6, 4, 5)).astype(np.float32)
    out = downscale_x2(image)
    assert out.shape == (2, 3, 2, 5) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0, 0], image[0, :2, :2].mean(axis=(0, 1)), rtol=1e-6)


def test_downscale_x2_raises_if_size_is_odd():
    with pytest.raises(ValueError, match="even height and width"):
        downscale_x2(np.zeros((1, 5, 4, 3)))


def test_edge_targets_are_canny_of_the_progressive_pyramid():
    hr = np.random.default_rng(2).random((2, 32, 32, 3))
    targets = edge_targets(hr, scales=(4, 2, 1), k=1.2)
    assert [t.shape for t in targets] == [(2, 8, 8, 1), (2, 16, 16, 1), (2, 32, 32, 1)]
    half = downscale_x2(hr)
    np.testing.assert_array_equal(targets[0], canny(downscale_x2(half), k=1.2))
    np.testing.assert_array_equal(targets[1], canny(half, k=1.2))
    np.testing.assert_array_equal(targets[2], canny(hr, k=1.2))


def test_edge_targets_follow_the_order_of_scales():
    hr = np.random.default_rng(3).random((1, 16, 16, 1))
    a, b = edge_targets(hr, scales=(1, 2), low=20, high=60)
    assert a.shape == (1, 16, 16, 1) and b.shape == (1, 8, 8, 1)


@pytest.mark.parametrize(
    ("scales", "error", "match"),
    [
        ((3,), ValueError, "power of two"),
        ((0,), ValueError, "power of two"),
        ((32,), ValueError, "divisible by every scale"),
        ((), TypeError, "non-empty sequence"),
        (4, TypeError, "non-empty sequence"),
        ((2.0,), TypeError, "must hold ints"),
    ],
)
def test_edge_targets_raise_on_bad_scales(scales, error, match):
    with pytest.raises(error, match=match):
        edge_targets(np.zeros((1, 32, 32, 3)), scales=scales)


def test_edge_targets_raise_on_out_of_range_input():
    with pytest.raises(ValueError, match=r"hr must have values in \[0, 1\]"):
        edge_targets(np.full((1, 16, 16, 3), 2.0), scales=(1,))
