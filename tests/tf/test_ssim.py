"""faceloss.tf ssim: skimage, reference and tf.image.ssim agreement, gradients, graphs, errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import ssim
from tests.metric_data import face_pairs, random_pairs, skimage_ssim
from tests.packaged_faces import astronaut_pairs


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


def f32(array: np.ndarray) -> tf.Tensor:
    return tf.constant(array, tf.float32)


class TestSSIM:
    def test_ssim_float32_matches_skimage_on_packaged_faces(self) -> None:
        prediction, target = astronaut_pairs(8)
        result = ssim(f32(prediction), f32(target))
        assert result.dtype == tf.float32 and result.shape == (8,)
        np.testing.assert_allclose(
            result.numpy(), skimage_ssim(prediction, target), rtol=0, atol=1e-5
        )

    def test_ssim_float32_matches_skimage_on_real_faces(self, faces) -> None:
        prediction, target = faces
        result = ssim(f32(prediction), f32(target))
        assert result.dtype == tf.float32 and result.shape == (8,)
        np.testing.assert_allclose(
            result.numpy(), skimage_ssim(prediction, target), rtol=0, atol=1e-5
        )

    @pytest.mark.parametrize("shape", [(2, 11, 11, 3), (1, 13, 29, 1), (4, 64, 64, 3)])
    def test_ssim_float32_matches_skimage_on_random_images(self, shape) -> None:
        prediction, target = random_pairs(shape, seed=2)
        np.testing.assert_allclose(
            ssim(f32(prediction), f32(target)).numpy(),
            skimage_ssim(prediction.astype(np.float32), target.astype(np.float32)),
            rtol=0,
            atol=1e-5,
        )

    @pytest.mark.parametrize("padding", ["valid", "same"])
    def test_ssim_float64_equals_the_reference(self, faces, padding) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            ssim(prediction, target, y_channel=True, padding=padding).numpy(),
            ref.ssim(prediction, target, y_channel=True, padding=padding),
            rtol=1e-10,
        )

    def test_ssim_agrees_with_tf_image_ssim_to_its_float32_rounding(self, faces) -> None:
        # tf.image.ssim casts to float32 internally and filters with a 2-D 11x11 kernel:
        # up to 2.2e-5 from skimage on these faces (ours in float32: 3e-7).
        prediction, target = faces
        expected = tf.image.ssim(f32(prediction), f32(target), max_val=1.0).numpy()
        np.testing.assert_allclose(expected, skimage_ssim(prediction, target), atol=5e-5)
        np.testing.assert_allclose(ssim(f32(prediction), f32(target)).numpy(), expected, atol=5e-5)

    def test_ssim_is_one_for_identical_images(self) -> None:
        target = f32(random_pairs((2, 16, 16, 3))[1])
        np.testing.assert_allclose(ssim(target, target).numpy(), 1.0, atol=1e-6)

    def test_ssim_is_differentiable(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        x = tf.Variable(prediction)
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(ssim(x, target, padding="same"))
        gradient = tape.gradient(value, x)
        assert gradient is not None and bool(tf.reduce_all(tf.math.is_finite(gradient)))

    def test_ssim_runs_in_a_tf_function(self) -> None:
        prediction, target = random_pairs((2, 16, 16, 3))
        compiled = tf.function(lambda a, b: ssim(a, b))
        np.testing.assert_allclose(
            compiled(prediction, target).numpy(), ref.ssim(prediction, target), rtol=1e-10
        )

    def test_raises_on_bad_input(self) -> None:
        small = tf.zeros((1, 10, 16, 3))
        with pytest.raises(ValueError, match=r"at least 11x11 pixels \(NHWC\), got 10x16"):
            ssim(small, small)
        with pytest.raises(ValueError, match=r"same shape.*\(1, 16, 16, 1\) and \(1, 16, 16, 3\)"):
            ssim(tf.zeros((1, 16, 16, 1)), tf.zeros((1, 16, 16, 3)))
        with pytest.raises(ValueError, match=r"target must have values in \[0, 1\]"):
            ssim(tf.zeros((1, 16, 16, 3)), tf.fill((1, 16, 16, 3), 255.0))
        with pytest.raises(ValueError, match="needs 3 channels"):
            ssim(tf.zeros((1, 16, 16, 1)), tf.zeros((1, 16, 16, 1)), y_channel=True)
        with pytest.raises(TypeError, match="floating-point"):
            ssim(tf.zeros((1, 16, 16, 3), tf.int32), tf.zeros((1, 16, 16, 3), tf.int32))
