"""faceloss.tf psnr/ssim/vif and their Keras metrics: agreement with skimage, the reference and
tf.image.ssim, gradients, serialization, use in model.evaluate, errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import PSNR, SSIM, VIF, MeanMetric, psnr, ssim, vif
from tests.metric_data import face_pairs, piq_vif_p, random_pairs, skimage_psnr, skimage_ssim


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


def f32(array: np.ndarray) -> tf.Tensor:
    return tf.constant(array, tf.float32)


class TestSSIM:
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


class TestKerasMetrics:
    @pytest.mark.parametrize(
        ("cls", "kwargs"),
        [
            (PSNR, {"data_range": 255.0, "y_channel": True}),
            (SSIM, {"data_range": 255.0, "y_channel": True, "padding": "same"}),
            (VIF, {"data_range": 255.0, "y_channel": True}),
        ],
    )
    def test_serialization_round_trip_keeps_arguments_and_results(self, faces, cls, kwargs) -> None:
        metric = cls(**kwargs, name="custom")
        restored = keras.metrics.deserialize(keras.metrics.serialize(metric))
        assert type(restored) is cls and restored.get_config() == metric.get_config()
        prediction, target = faces[0][:2] * 255, faces[1][:2] * 255
        metric.update(prediction, target)
        restored.update(prediction, target)
        assert float(restored.compute()) == float(metric.compute())
        assert restored.name == "custom"

    def test_update_state_takes_keras_order_and_update_takes_prediction_first(self, faces) -> None:
        prediction, target = f32(faces[0]), f32(faces[1])
        keras_order, faceloss_order = VIF(), VIF()
        keras_order.update_state(target, prediction)
        faceloss_order.update(prediction, target)
        expected = vif(prediction, target).numpy().astype(np.float64).mean()
        assert float(keras_order.result()) == float(faceloss_order.compute())
        np.testing.assert_allclose(float(keras_order.result()), expected, rtol=1e-6)

    def test_metric_is_the_mean_of_per_image_values_whatever_the_batches(self, faces) -> None:
        prediction, target = faces
        metric = SSIM()
        metric.update(prediction[:3], target[:3])
        metric.update(prediction[3:], target[3:])
        assert int(metric.count) == 8 and metric.result().dtype == tf.float64
        np.testing.assert_allclose(
            float(metric.compute()), ref.ssim(prediction, target).mean(), rtol=1e-12
        )
        metric.reset()
        assert int(metric.count) == 0 and np.isnan(float(metric.compute()))

    def test_refuses_sample_weight(self) -> None:
        with pytest.raises(ValueError, match="does not take sample_weight"):
            PSNR().update_state(tf.zeros((1, 4, 4, 3)), tf.zeros((1, 4, 4, 3)), tf.ones(1))

    def test_works_as_a_compiled_model_metric(self, faces) -> None:
        prediction, target = faces[0][:4].astype(np.float32), faces[1][:4].astype(np.float32)
        model = keras.Sequential([keras.Input((128, 128, 3)), keras.layers.Identity()])
        model.compile(loss="mse", metrics=[PSNR(), SSIM()])
        logs = model.evaluate(prediction, target, batch_size=2, verbose=0, return_dict=True)
        np.testing.assert_allclose(logs["ssim"], ref.ssim(prediction, target).mean(), atol=1e-6)
        np.testing.assert_allclose(logs["psnr"], ref.psnr(prediction, target).mean(), rtol=1e-5)

    def test_extension_with_an_extra_count(self) -> None:
        class Skipping(MeanMetric):
            def __init__(self) -> None:
                super().__init__(name="skipping")
                self.add_state("skipped", "int64")

            def _per_image(self, prediction, target):
                return tf.reduce_mean(tf.abs(prediction - target), axis=(1, 2, 3))

            def update_state(self, y_true, y_pred, sample_weight=None) -> None:
                values = self._per_image(prediction=y_pred, target=y_true)
                keep = values > 0
                self.skipped.assign_add(tf.reduce_sum(tf.cast(~keep, tf.int64)))
                self._accumulate(tf.boolean_mask(values, keep))

        metric = Skipping()
        target = tf.reshape(tf.constant([0.5, 0.25, 0.5]), (3, 1, 1, 1))
        metric.update(tf.fill((3, 1, 1, 1), 0.5), target)
        assert {k: float(v) for k, v in metric.state.items()} == {
            "total": 0.25,
            "count": 1.0,
            "skipped": 2.0,
        }
        metric.reset()
        assert int(metric.skipped) == 0
