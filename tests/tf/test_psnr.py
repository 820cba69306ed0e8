"""faceloss.tf psnr: skimage agreement, identical images, y_channel."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import psnr
from tests.metric_data import face_pairs, skimage_psnr


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


def f32(array: np.ndarray) -> tf.Tensor:
    return tf.constant(array, tf.float32)


class TestPSNR:
    def test_psnr_float32_matches_skimage_on_real_faces(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(f32(prediction), f32(target)).numpy(), skimage_psnr(prediction, target), rtol=1e-5
        )

    def test_psnr_is_inf_for_identical_images(self) -> None:
        target = tf.random.uniform((2, 8, 8, 3))
        assert np.isposinf(psnr(target, target).numpy()).all()

    def test_psnr_y_channel_equals_the_reference(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(prediction * 255, target * 255, 255, y_channel=True).numpy(),
            ref.psnr(prediction, target, y_channel=True),
            rtol=1e-12,
        )
