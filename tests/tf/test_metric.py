"""faceloss.tf MeanMetric and the Keras metrics: serialization, Keras vs faceloss argument order, model.evaluate, extension with counts."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import PSNR, SSIM, VIF, MeanMetric, vif
from tests.metric_data import face_pairs


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


def f32(array: np.ndarray) -> tf.Tensor:
    return tf.constant(array, tf.float32)


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
        metric = SSIM(dtype="float64")
        metric.update(prediction[:3], target[:3])
        metric.update(prediction[3:], target[3:])
        assert int(metric.count) == 8 and metric.result().dtype == tf.float64
        np.testing.assert_allclose(
            float(metric.compute()), ref.ssim(prediction, target).mean(), rtol=1e-12
        )
        metric.reset()
        assert int(metric.count) == 0 and np.isnan(float(metric.compute()))

    def test_casts_floating_inputs_to_its_dtype(self, faces) -> None:
        prediction, target = faces[0][:2], faces[1][:2]
        default, double = PSNR(), PSNR(dtype="float64")
        default.update(prediction, target)
        double.update(prediction, target)
        expected = ref.psnr(prediction, target).mean()
        assert float(double.compute()) == pytest.approx(expected, rel=1e-14)
        assert float(default.compute()) == pytest.approx(expected, rel=1e-5)
        assert float(default.compute()) != float(double.compute())
        with pytest.raises(TypeError, match="floating-point"):
            PSNR().update(np.zeros((1, 4, 4, 3), np.uint8), np.zeros((1, 4, 4, 3), np.uint8))

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
