"""The NumPy reference PSNR: skimage agreement, identical images, errors, the PSNR accumulator."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import PSNR, psnr, rgb_to_yuv
from tests.metric_data import face_pairs, random_pairs, skimage_psnr


class TestPSNR:
    def test_psnr_matches_skimage_per_image_on_real_faces(self, shared_data) -> None:
        prediction, target = face_pairs(shared_data, 8)
        np.testing.assert_allclose(
            psnr(prediction, target), skimage_psnr(prediction, target), rtol=1e-12
        )
        np.testing.assert_allclose(
            psnr(prediction * 255, target * 255, 255),
            skimage_psnr(prediction * 255, target * 255, 255),
            rtol=1e-12,
        )

    def test_psnr_is_inf_for_identical_images(self) -> None:
        _, target = random_pairs((2, 8, 8, 3))
        assert np.isposinf(psnr(target, target)).all()
        assert np.isposinf(skimage_psnr(target, target)).all()

    def test_psnr_of_a_constant_offset(self) -> None:
        target = np.full((1, 4, 4, 1), 0.5)
        np.testing.assert_allclose(psnr(target + 0.01, target), [40.0])
        np.testing.assert_allclose(psnr(255 * (target + 0.01), 255 * target, 255), [40.0])

    def test_psnr_metric_is_the_mean_of_per_image_values_not_the_pooled_mse(self) -> None:
        target = np.full((2, 4, 4, 1), 0.5)
        prediction = target + np.array([0.1, 0.01]).reshape(2, 1, 1, 1)
        metric = PSNR()
        metric.update(prediction, target)
        assert float(metric.compute()) == pytest.approx(30.0)  # (20 + 40) / 2
        pooled = 10 * np.log10(1 / np.mean((prediction - target) ** 2))
        assert pooled == pytest.approx(22.967, abs=1e-3)

    def test_psnr_y_channel_is_psnr_of_the_luma(self) -> None:
        prediction, target = random_pairs((2, 8, 8, 3))
        luma_p, luma_t = rgb_to_yuv(prediction)[..., :1], rgb_to_yuv(target)[..., :1]
        np.testing.assert_allclose(
            psnr(prediction, target, y_channel=True), psnr(luma_p, luma_t), rtol=1e-12
        )

    def test_psnr_metric_is_inf_once_an_identical_pair_is_seen(self) -> None:
        prediction, target = random_pairs((2, 8, 8, 3))
        metric = PSNR()
        metric.update(prediction, target)
        assert np.isfinite(metric.compute())
        metric.update(target, target)
        assert np.isposinf(metric.compute())
        metric.reset()
        assert np.isnan(metric.compute())


class TestPSNRErrors:
    def test_raises_if_shapes_differ(self) -> None:
        with pytest.raises(ValueError, match="same shape"):
            psnr(np.zeros((2, 8, 8, 3)), np.zeros((1, 8, 8, 3)))

    def test_raises_if_values_outside_the_data_range(self) -> None:
        with pytest.raises(ValueError, match=r"prediction must have values in \[0, 1\]"):
            psnr(np.full((1, 8, 8, 3), 2.0), np.zeros((1, 8, 8, 3)))

    def test_raises_if_not_a_batch(self) -> None:
        with pytest.raises(ValueError, match="4-D batch of images NHWC"):
            psnr(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)))

    def test_raises_if_nan(self) -> None:
        with pytest.raises(ValueError, match="NaN or Inf"):
            psnr(np.full((1, 8, 8, 3), np.nan), np.zeros((1, 8, 8, 3)))

    def test_metric_raises_on_bad_arguments(self) -> None:
        with pytest.raises(ValueError, match="data_range"):
            PSNR(-1.0)
        with pytest.raises(TypeError, match="y_channel must be a bool"):
            PSNR(y_channel="yes")
