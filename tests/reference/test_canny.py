"""faceloss.reference.canny: cv2.Canny bit for bit, adaptive thresholds, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import faceloss
from faceloss.reference import adaptive_thresholds, canny
from faceloss.reference.canny import _gray_uint8, _sobel
from tests import canny_cases

cv2 = pytest.importorskip("cv2", reason="needs the opencv extra")


def test_gray_conversion_matches_installed_cv2_cvtcolor():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (1, 256, 256, 3), dtype=np.uint8)
    expected = cv2.cvtColor(rgb[0], cv2.COLOR_RGB2GRAY)
    np.testing.assert_array_equal(_gray_uint8(rgb / 255.0)[0], expected)


def test_quantisation_rounds_half_up_and_recovers_uint8_images():
    levels = np.arange(256, dtype=np.float64)
    gray = _gray_uint8((levels / 255.0).reshape(1, 1, 256, 1))
    np.testing.assert_array_equal(gray[0, 0], levels)
    halves = np.array([0.5, 1.5, 254.5]) / 255.0
    np.testing.assert_array_equal(_gray_uint8(halves.reshape(1, 1, 3, 1))[0, 0], [1, 2, 255])


def test_matches_cv2_exactly_on_packaged_faces():
    for size, name, image, low, high, l2, expected in canny_cases.packaged_cases():
        ours = canny(image, low, high, l2_gradient=l2)
        canny_cases.assert_identical(ours, expected, f"reference {name} at {size}px (astronaut)")


def test_matches_cv2_exactly_on_real_faces(shared_data):
    for size, name, image, low, high, l2, expected in canny_cases.cv2_cases(shared_data):
        ours = canny(image, low, high, l2_gradient=l2)
        canny_cases.assert_identical(ours, expected, f"reference {name} at {size}px")


@pytest.mark.parametrize(
    ("low", "high", "l2"),
    [(0.0, 0.0, False), (37.5, 80.2, False), (20.0, 60.0, True), (100.0, 40000.0, True)],
)
@pytest.mark.parametrize("shape", [(3, 3), (4, 7), (17, 5), (31, 64)])
def test_matches_cv2_exactly_on_noise_and_odd_sizes(shape, low, high, l2):
    rng = np.random.default_rng(sum(shape))
    image = rng.random((4, *shape, 3))
    expected = canny_cases.cv2_canny(image, [low] * 4, [high] * 4, l2)
    canny_cases.assert_identical(canny(image, low, high, l2_gradient=l2), expected, "noise")


def test_adaptive_thresholds_are_mean_plus_k_std_of_the_sobel_magnitude():
    rng = np.random.default_rng(1)
    image = rng.random((3, 20, 24, 3))
    dx, dy = _sobel(_gray_uint8(image))
    for l2 in (False, True):
        magnitude = np.hypot(dx, dy) if l2 else np.abs(dx) + np.abs(dy)
        expected = magnitude.mean(axis=(1, 2)) + 1.3 * magnitude.std(axis=(1, 2))
        low, high = adaptive_thresholds(image, k=1.3, low_ratio=0.4, l2_gradient=l2)
        np.testing.assert_allclose(high, expected, rtol=1e-12)
        np.testing.assert_allclose(low, 0.4 * expected, rtol=1e-12)


def test_adaptive_canny_equals_canny_with_the_adaptive_thresholds():
    image = np.random.default_rng(2).random((3, 16, 16, 1))
    low, high = adaptive_thresholds(image, k=1.2)
    np.testing.assert_array_equal(canny(image, k=1.2), canny(image, low, high))


def test_constant_images_have_no_edges():
    image = np.full((2, 9, 9, 3), 0.37)
    edges = canny(image)
    assert edges.shape == (2, 9, 9, 1)
    assert not edges.any() and np.isfinite(edges).all()
    assert adaptive_thresholds(image)[1].tolist() == [0.0, 0.0]


def test_grayscale_input_equals_rgb_with_equal_channels():
    gray = np.random.default_rng(3).random((2, 12, 12, 1))
    np.testing.assert_array_equal(canny(gray, 30, 90), canny(np.repeat(gray, 3, axis=-1), 30, 90))


def test_per_image_thresholds_equal_separate_calls():
    image = np.random.default_rng(4).random((3, 16, 16, 3))
    low, high = np.array([10.0, 50.0, 200.0]), np.array([40.0, 255.0, 600.0])
    together = canny(image, low, high)
    for i in range(3):
        np.testing.assert_array_equal(together[i : i + 1], canny(image[i : i + 1], low[i], high[i]))


def test_value_checks_off_maps_nan_to_zero_and_clips():
    image = np.random.default_rng(5).random((1, 8, 8, 1))
    dirty = image.copy()
    dirty[0, 0, 0, 0] = np.nan
    dirty[0, 1, 1, 0] = 7.0
    clean = image.copy()
    clean[0, 0, 0, 0] = 0.0
    clean[0, 1, 1, 0] = 1.0
    faceloss.set_value_checks(False)
    try:
        np.testing.assert_array_equal(canny(dirty, 20, 60), canny(clean, 20, 60))
    finally:
        faceloss.set_value_checks(True)


class TestCannyErrors:
    image = np.random.default_rng(6).random((2, 8, 8, 3))

    def test_raises_if_values_outside_unit_range(self):
        with pytest.raises(ValueError, match=r"image must have values in \[0, 1\]"):
            canny(self.image * 255.0, 50, 255)

    def test_raises_if_nan(self):
        bad = self.image.copy()
        bad[0, 0, 0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN or Inf"):
            canny(bad)

    @pytest.mark.parametrize("channels", [2, 4])
    def test_raises_if_channels_not_1_or_3(self, channels):
        with pytest.raises(ValueError, match="must have 1 or 3 channel"):
            canny(np.zeros((1, 8, 8, channels)))

    @pytest.mark.parametrize("shape", [(1, 2, 8, 3), (1, 8, 2, 3), (1, 1, 1, 1)])
    def test_raises_if_smaller_than_3x3(self, shape):
        with pytest.raises(ValueError, match="at least 3x3"):
            canny(np.zeros(shape))

    def test_raises_if_not_4d(self):
        with pytest.raises(ValueError, match="4-D batch"):
            canny(np.zeros((8, 8, 3)))

    def test_raises_if_integer_image(self):
        with pytest.raises(TypeError, match="floating-point"):
            canny(np.zeros((1, 8, 8, 3), dtype=np.uint8))

    def test_raises_if_low_above_high(self):
        with pytest.raises(ValueError, match="low must be <= high"):
            canny(self.image, 100, 50)
        with pytest.raises(ValueError, match="low must be <= high"):
            canny(self.image, np.array([10.0, 100.0]), np.array([20.0, 50.0]))

    @pytest.mark.parametrize(("low", "high"), [(-1, 50), (0, -5.0)])
    def test_raises_if_negative_threshold(self, low, high):
        with pytest.raises(ValueError, match=r"must be >= 0"):
            canny(self.image, low, high)

    def test_raises_if_negative_threshold_array(self):
        with pytest.raises(ValueError, match=r"low must be >= 0"):
            canny(self.image, np.array([-1.0, 1.0]), 50)

    def test_raises_if_threshold_array_has_wrong_shape(self):
        with pytest.raises(ValueError, match=r"one value per image of shape \(2,\)"):
            canny(self.image, np.zeros(3), np.ones(3))

    def test_raises_if_only_one_threshold(self):
        with pytest.raises(ValueError, match="give both thresholds or neither"):
            canny(self.image, 50)

    @pytest.mark.parametrize("value", [float("nan"), float("inf")])
    def test_raises_if_threshold_not_finite(self, value):
        with pytest.raises(ValueError, match="high must be finite"):
            canny(self.image, 0, value)

    def test_raises_if_threshold_not_a_number(self):
        with pytest.raises(TypeError, match="low must be a real number"):
            canny(self.image, "50", 255)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"k": -0.1}, "k must be >= 0"),
            ({"k": float("nan")}, "k must be finite"),
            ({"low_ratio": 1.5}, r"low_ratio must be in \[0, 1\]"),
            ({"low_ratio": -0.5}, r"low_ratio must be in \[0, 1\]"),
        ],
    )
    def test_raises_if_adaptive_coefficients_invalid(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            canny(self.image, **kwargs)
        with pytest.raises(ValueError, match=match):
            adaptive_thresholds(self.image, **kwargs)

    def test_raises_if_l2_gradient_not_bool(self):
        with pytest.raises(TypeError, match="l2_gradient must be a bool"):
            canny(self.image, l2_gradient=1)


def test_a_long_snake_of_weak_edges_matches_cv2():
    image = canny_cases.snake_image(203)
    expected = canny_cases.cv2_canny(image, np.array([40.0]), np.array([200.0]), False)
    canny_cases.assert_identical(canny(image, 40.0, 200.0), expected, "reference snake")
    assert expected.sum() > 203 * 203 / 4, "the snake's outline is one long edge"
