"""The NumPy reference SSIM: skimage agreement, properties, errors, the SSIM accumulator."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import SSIM, rgb_to_yuv, ssim
from tests.metric_data import face_pairs, random_pairs, skimage_ssim
from tests.packaged_faces import astronaut_pairs


class TestSSIM:
    def test_ssim_matches_skimage_on_packaged_faces(self) -> None:
        prediction, target = astronaut_pairs(8)
        np.testing.assert_allclose(
            ssim(prediction, target), skimage_ssim(prediction, target), rtol=0, atol=1e-6
        )

    def test_ssim_matches_skimage_on_real_faces(self, shared_data) -> None:
        prediction, target = face_pairs(shared_data, 8)
        np.testing.assert_allclose(
            ssim(prediction, target), skimage_ssim(prediction, target), rtol=0, atol=1e-6
        )

    @pytest.mark.parametrize(
        "shape", [(2, 11, 11, 3), (1, 13, 29, 3), (3, 32, 17, 1), (1, 64, 64, 3)]
    )
    def test_ssim_matches_skimage_on_random_images(self, shape) -> None:
        prediction, target = random_pairs(shape, seed=sum(shape))
        np.testing.assert_allclose(
            ssim(prediction, target), skimage_ssim(prediction, target), rtol=0, atol=1e-6
        )

    def test_ssim_matches_skimage_at_data_range_255(self, shared_data) -> None:
        prediction, target = face_pairs(shared_data, 4)
        np.testing.assert_allclose(
            ssim(prediction * 255, target * 255, 255),
            skimage_ssim(prediction * 255, target * 255, 255),
            rtol=0,
            atol=1e-6,
        )

    def test_ssim_is_one_for_identical_images(self) -> None:
        _, target = random_pairs((3, 20, 20, 3))
        np.testing.assert_allclose(ssim(target, target), 1.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ssim(target, target, padding="same"), 1.0, atol=1e-12)
        constant = np.full((1, 12, 12, 1), 0.3)
        np.testing.assert_allclose(ssim(constant, constant), 1.0, atol=1e-12)

    def test_ssim_is_symmetric_and_below_one_for_different_images(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        np.testing.assert_allclose(ssim(prediction, target), ssim(target, prediction), atol=1e-12)
        assert (ssim(prediction, target) < 1).all()

    def test_ssim_does_not_depend_on_data_range_scale(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        np.testing.assert_allclose(
            ssim(prediction * 255, target * 255, 255.0), ssim(prediction, target), atol=1e-12
        )

    def test_ssim_y_channel_is_ssim_of_the_luma(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        luma_p, luma_t = rgb_to_yuv(prediction)[..., :1], rgb_to_yuv(target)[..., :1]
        np.testing.assert_allclose(
            ssim(prediction, target, y_channel=True), ssim(luma_p, luma_t), atol=1e-12
        )

    def test_ssim_is_the_mean_of_the_channel_ssims(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        per_channel = [ssim(prediction[..., [c]], target[..., [c]]) for c in range(3)]
        np.testing.assert_allclose(ssim(prediction, target), np.mean(per_channel, axis=0))

    def test_same_padding_averages_the_reflect_padded_full_map(self) -> None:
        prediction, target = random_pairs((1, 16, 16, 1))
        pad = ((0, 0), (5, 5), (5, 5), (0, 0))
        padded_p, padded_t = np.pad(prediction, pad, "reflect"), np.pad(target, pad, "reflect")
        np.testing.assert_allclose(
            ssim(prediction, target, padding="same"), ssim(padded_p, padded_t), atol=1e-12
        )
        assert (
            abs(
                float(ssim(prediction, target, padding="same")[0])
                - float(ssim(prediction, target)[0])
            )
            > 1e-3
        )


class TestSSIMErrors:
    def test_raises_if_smaller_than_the_window(self) -> None:
        with pytest.raises(ValueError, match=r"prediction must be at least 11x11 pixels.*10x12"):
            ssim(np.zeros((1, 10, 12, 3)), np.zeros((1, 10, 12, 3)))

    def test_raises_if_shapes_differ(self) -> None:
        with pytest.raises(ValueError, match="same shape"):
            ssim(np.zeros((1, 16, 16, 3)), np.zeros((1, 16, 17, 3)))

    def test_raises_if_grayscale_and_rgb_are_mixed(self) -> None:
        with pytest.raises(ValueError, match=r"same shape.*\(1, 16, 16, 1\) and \(1, 16, 16, 3\)"):
            ssim(np.zeros((1, 16, 16, 1)), np.zeros((1, 16, 16, 3)))

    def test_raises_if_not_one_or_three_channels(self) -> None:
        with pytest.raises(ValueError, match=r"1 or 3 channel\(s\).*got 4"):
            ssim(np.zeros((1, 16, 16, 4)), np.zeros((1, 16, 16, 4)))

    def test_raises_if_values_outside_the_data_range(self) -> None:
        with pytest.raises(ValueError, match=r"target must have values in \[0, 1\].*255"):
            ssim(np.zeros((1, 16, 16, 3)), np.full((1, 16, 16, 3), 255.0))
        with pytest.raises(ValueError, match=r"prediction must have values in \[0, 1\]"):
            ssim(np.full((1, 16, 16, 3), -0.1), np.zeros((1, 16, 16, 3)))

    def test_raises_if_y_channel_on_grayscale(self) -> None:
        with pytest.raises(ValueError, match=r"y_channel=True .* needs 3 channels, got 1"):
            ssim(np.zeros((1, 16, 16, 1)), np.zeros((1, 16, 16, 1)), y_channel=True)

    def test_raises_on_bad_arguments(self) -> None:
        images = np.zeros((1, 16, 16, 3))
        with pytest.raises(ValueError, match="padding must be one of 'valid', 'same'"):
            ssim(images, images, padding="reflect")
        with pytest.raises(ValueError, match="data_range must be a finite number > 0"):
            ssim(images, images, 0.0)
        with pytest.raises(TypeError, match="data_range must be a positive number"):
            ssim(images, images, "1")
        with pytest.raises(TypeError, match="y_channel must be a bool"):
            ssim(images, images, y_channel=1)
        with pytest.raises(TypeError, match="floating-point"):
            ssim(images.astype(np.uint8), images.astype(np.uint8))
        with pytest.raises(ValueError, match="padding must be one of"):
            SSIM(padding="full")


class TestSSIMMetric:
    def test_ssim_metric_is_the_mean_of_per_image_values_whatever_the_batches(self) -> None:
        prediction, target = random_pairs((5, 16, 16, 3))
        metric = SSIM()
        metric.update(prediction[:2], target[:2])
        metric.update(prediction[2:], target[2:])
        assert metric.count == 5
        np.testing.assert_allclose(metric.compute(), ssim(prediction, target).mean(), rtol=1e-14)

    def test_ssim_metric_passes_its_arguments(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        metric = SSIM(255.0, y_channel=True, padding="same")
        metric.update(prediction * 255, target * 255)
        expected = ssim(prediction, target, y_channel=True, padding="same").mean()
        np.testing.assert_allclose(metric.compute(), expected, rtol=1e-12)
        assert repr(metric) == "SSIM(data_range=255.0, y_channel=True, padding='same')"
