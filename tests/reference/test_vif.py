"""The NumPy reference pixel-domain VIF: agreement with piq's vif_p, properties, errors."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import VIF, rgb_to_yuv, vif
from tests.metric_data import face_pairs, piq_vif_p, random_pairs

# Our float64 reference vs piq's vif_p run in float64 on the same images: the same
# algorithm (MATLAB vifp_mscale with piq's 1e-8 floor), so only summation order differs.
PIQ_FLOAT64_TOLERANCE = 1e-10


class TestVIF:
    def test_vif_y_channel_matches_piq_vif_p_on_real_faces(self, shared_data) -> None:
        prediction, target = face_pairs(shared_data, 8)
        np.testing.assert_allclose(
            vif(prediction, target, y_channel=True),
            piq_vif_p(prediction, target),
            rtol=0,
            atol=PIQ_FLOAT64_TOLERANCE,
        )

    def test_vif_matches_piq_vif_p_on_random_grayscale_images(self) -> None:
        prediction, target = random_pairs((2, 45, 61, 1), noise=0.2)
        np.testing.assert_allclose(
            vif(prediction, target), piq_vif_p(prediction, target), atol=PIQ_FLOAT64_TOLERANCE
        )
        np.testing.assert_allclose(
            vif(prediction * 255, target * 255, 255.0),
            piq_vif_p(prediction * 255, target * 255, 255.0),
            atol=PIQ_FLOAT64_TOLERANCE,
        )

    def test_vif_is_one_for_identical_images(self, shared_data) -> None:
        _, target = face_pairs(shared_data, 2)
        np.testing.assert_allclose(vif(target, target), 1.0, atol=1e-9)
        np.testing.assert_allclose(vif(target, target, y_channel=True), 1.0, atol=1e-9)
        constant = np.full((1, 41, 41, 1), 0.5)
        np.testing.assert_allclose(vif(constant, constant), 1.0)

    def test_vif_is_not_symmetric_and_drops_for_a_degraded_prediction(self, shared_data) -> None:
        prediction, target = face_pairs(shared_data, 2)
        forward, backward = vif(prediction, target), vif(target, prediction)
        assert (forward < 0.6).all() and (np.abs(forward - backward) > 0.01).all()

    def test_vif_does_not_depend_on_data_range_scale(self) -> None:
        prediction, target = random_pairs((1, 48, 48, 3))
        np.testing.assert_allclose(
            vif(prediction * 255, target * 255, 255.0), vif(prediction, target), rtol=1e-12
        )

    def test_rgb_vif_is_the_mean_of_the_channel_vifs(self) -> None:
        prediction, target = random_pairs((1, 48, 48, 3))
        per_channel = [vif(prediction[..., [c]], target[..., [c]]) for c in range(3)]
        np.testing.assert_allclose(vif(prediction, target), np.mean(per_channel, axis=0))

    def test_vif_y_channel_is_vif_of_the_luma(self) -> None:
        prediction, target = random_pairs((1, 48, 48, 3))
        luma_p, luma_t = rgb_to_yuv(prediction)[..., :1], rgb_to_yuv(target)[..., :1]
        np.testing.assert_allclose(
            vif(prediction, target, y_channel=True), vif(luma_p, luma_t), rtol=1e-12
        )

    def test_vif_metric_accumulates_the_mean(self) -> None:
        prediction, target = random_pairs((3, 41, 41, 1))
        metric = VIF()
        for i in range(3):
            metric.update(prediction[i : i + 1], target[i : i + 1])
        np.testing.assert_allclose(metric.compute(), vif(prediction, target).mean(), rtol=1e-14)


class TestVIFErrors:
    def test_raises_if_smaller_than_41_pixels(self) -> None:
        with pytest.raises(ValueError, match=r"at least 41x41 pixels.*40x64"):
            vif(np.zeros((1, 40, 64, 3)), np.zeros((1, 40, 64, 3)))

    def test_raises_if_grayscale_and_rgb_are_mixed(self) -> None:
        with pytest.raises(ValueError, match="same shape"):
            vif(np.zeros((1, 48, 48, 3)), np.zeros((1, 48, 48, 1)))

    def test_raises_if_values_outside_the_data_range(self) -> None:
        with pytest.raises(ValueError, match=r"target must have values in \[0, 255\]"):
            vif(np.zeros((1, 48, 48, 3)), np.full((1, 48, 48, 3), 256.0), 255)
