"""faceloss.tf vif: piq vif_p agreement, identical images, errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import vif
from tests.metric_data import face_pairs, piq_vif_p


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


def f32(array: np.ndarray) -> tf.Tensor:
    return tf.constant(array, tf.float32)


class TestVIF:
    def test_vif_y_channel_matches_piq_vif_p_on_real_faces(self, faces) -> None:
        prediction, target = faces
        # float32 vs piq in float64: the float32 moment cancellation, ~3e-6 measured here.
        np.testing.assert_allclose(
            vif(f32(prediction), f32(target), y_channel=True).numpy(),
            piq_vif_p(prediction, target),
            rtol=0,
            atol=1e-5,
        )

    def test_vif_is_one_for_identical_images(self, faces) -> None:
        target = f32(faces[1][:2])
        np.testing.assert_allclose(vif(target, target).numpy(), 1.0, atol=1e-5)

    def test_raises_if_smaller_than_41_pixels(self) -> None:
        with pytest.raises(ValueError, match="at least 41x41"):
            vif(tf.zeros((1, 40, 48, 3)), tf.zeros((1, 40, 48, 3)))
