"""NumPy reference: rgb_to_yuv and luminance_chrominance_loss by hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import luminance_chrominance_loss, rgb_to_yuv
from faceloss.spec import YUV_FROM_RGB

rng = np.random.default_rng(1)


def test_rgb_to_yuv_applies_eq7_per_pixel():
    image = rng.random((2, 3, 5, 3))
    yuv = rgb_to_yuv(image)
    for n, i, j in [(0, 0, 0), (1, 2, 4), (0, 1, 3)]:
        np.testing.assert_allclose(
            yuv[n, i, j], YUV_FROM_RGB @ image[n, i, j], rtol=1e-14, atol=1e-16
        )


def test_rgb_to_yuv_of_pure_colours_gives_the_matrix_columns():
    primaries = np.eye(3).reshape(1, 1, 3, 3)  # red, green, blue pixels
    np.testing.assert_allclose(rgb_to_yuv(primaries)[0, 0], YUV_FROM_RGB.T, rtol=1e-15)


def test_rgb_to_yuv_computes_in_float64():
    assert rgb_to_yuv(np.zeros((1, 2, 2, 3), dtype=np.float32)).dtype == np.float64


def test_loss_is_zero_for_identical_images():
    image = rng.random((2, 7, 9, 3))
    assert luminance_chrominance_loss(image, image.copy()) == 0.0


def test_loss_reductions_are_mean_sum_and_elementwise():
    prediction, target = rng.random((2, 2, 4, 5, 3))
    squared = (rgb_to_yuv(prediction) - rgb_to_yuv(target)) ** 2
    none = luminance_chrominance_loss(prediction, target, reduction="none")
    assert none.shape == (2, 4, 5, 3)
    np.testing.assert_allclose(none, squared, rtol=1e-15)
    assert luminance_chrominance_loss(prediction, target, "mean") == pytest.approx(squared.mean())
    assert luminance_chrominance_loss(prediction, target, "sum") == pytest.approx(squared.sum())


def test_loss_is_a_third_of_eq8_as_printed():
    # eq. 8 sums the three channels and divides by w*h only.
    prediction, target = rng.random((2, 1, 6, 6, 3))
    squared = (rgb_to_yuv(prediction) - rgb_to_yuv(target)) ** 2
    eq8 = squared.sum() / (6 * 6)
    assert 3 * luminance_chrominance_loss(prediction, target) == pytest.approx(eq8, rel=1e-14)


def test_loss_is_symmetric():
    prediction, target = rng.random((2, 3, 4, 4, 3))
    assert luminance_chrominance_loss(prediction, target) == pytest.approx(
        luminance_chrominance_loss(target, prediction), rel=1e-15
    )


def test_pure_luminance_shift_costs_only_in_y():
    target = rng.random((1, 4, 4, 3))
    prediction = target + 0.1  # grey shift: Y += 0.1, U and V change by ~1e-6
    none = luminance_chrominance_loss(prediction, target, reduction="none")
    np.testing.assert_allclose(none[..., 0], 0.01, rtol=1e-12)
    assert none[..., 1:].max() < 1e-11
