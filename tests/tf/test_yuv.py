"""faceloss.tf: rgb_to_yuv, luminance_chrominance_loss and the Keras LuminanceChrominanceLoss."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import LuminanceChrominanceLoss, luminance_chrominance_loss

rng = np.random.default_rng(0)


def _pair(shape=(2, 8, 8, 3), dtype="float32"):
    return (
        tf.constant(rng.random(shape), dtype=dtype),
        tf.constant(rng.random(shape), dtype=dtype),
    )


def test_keras_loss_equals_function_mean():
    y_true, y_pred = _pair()
    loss = LuminanceChrominanceLoss()
    np.testing.assert_allclose(
        float(loss(y_true, y_pred)),
        float(luminance_chrominance_loss(y_pred, y_true)),
        rtol=1e-6,
    )


def test_keras_loss_without_reduction_returns_per_sample_values():
    y_true, y_pred = _pair((3, 4, 5, 3))
    per_sample = LuminanceChrominanceLoss(reduction=None)(y_true, y_pred)
    squared = luminance_chrominance_loss(y_pred, y_true, reduction="none")
    assert per_sample.shape == (3,)
    np.testing.assert_allclose(per_sample, tf.reduce_mean(squared, axis=[1, 2, 3]), rtol=1e-6)


def test_keras_loss_passes_y_pred_as_prediction():
    # Keras calls loss(y_true, y_pred); faceloss functions take (prediction, target).
    y_true, y_pred = _pair()
    seen = {}
    loss = LuminanceChrominanceLoss(reduction=None)

    import faceloss.tf.yuv as module

    original = module.luminance_chrominance_loss

    def spy(prediction, target, reduction):
        seen["prediction"], seen["target"] = prediction, target
        return original(prediction, target, reduction)

    module.luminance_chrominance_loss = spy
    try:
        loss(y_true, y_pred)
    finally:
        module.luminance_chrominance_loss = original
    assert seen["prediction"] is y_pred and seen["target"] is y_true


def test_config_round_trip_with_non_default_arguments():
    loss = LuminanceChrominanceLoss(reduction="sum", name="lce", dtype="float64")
    config = loss.get_config()
    assert config == {"name": "lce", "reduction": "sum", "dtype": "float64"}
    restored = LuminanceChrominanceLoss.from_config(config)
    y_true, y_pred = _pair(dtype="float64")
    assert float(restored(y_true, y_pred)) == float(loss(y_true, y_pred))
    assert restored.name == "lce"


def test_serialize_deserialize_finds_the_registered_class():
    loss = LuminanceChrominanceLoss(reduction="sum")
    serialized = keras.losses.serialize(loss)
    assert serialized["registered_name"] == "faceloss>LuminanceChrominanceLoss"
    restored = keras.losses.deserialize(serialized)
    assert isinstance(restored, LuminanceChrominanceLoss) and restored.reduction == "sum"


def _tiny_model():
    inputs = keras.Input((8, 8, 3))
    outputs = keras.layers.Conv2D(3, 3, padding="same", activation="sigmoid")(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=LuminanceChrominanceLoss(reduction="sum"))
    return model


def test_saved_keras_model_reloads_with_the_loss_and_trains(tmp_path):
    model = _tiny_model()
    x = rng.random((4, 8, 8, 3)).astype("float32")
    history = model.fit(x, x, epochs=2, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)  # safe_mode=True: no lambdas involved
    assert isinstance(reloaded.loss, LuminanceChrominanceLoss)
    assert reloaded.loss.reduction == "sum"
    np.testing.assert_allclose(reloaded.evaluate(x, x, verbose=0), model.evaluate(x, x, verbose=0))


def test_function_works_inside_tf_function():
    y_true, y_pred = _pair()

    @tf.function(input_signature=[tf.TensorSpec((None, None, None, 3))] * 2)
    def graph_loss(prediction, target):
        return luminance_chrominance_loss(prediction, target)

    np.testing.assert_allclose(
        graph_loss(y_pred, y_true), luminance_chrominance_loss(y_pred, y_true), rtol=1e-6
    )


def test_static_shape_checks_still_run_while_tracing():
    @tf.function
    def graph_loss(prediction, target):
        return luminance_chrominance_loss(prediction, target)

    with pytest.raises(ValueError, match="must have 3 channel"):
        graph_loss(tf.zeros((1, 4, 4, 2)), tf.zeros((1, 4, 4, 2)))


def test_gradient_flows_in_float64():
    y_true, y_pred = _pair(dtype="float64")
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        value = luminance_chrominance_loss(y_pred, y_true)
    gradient = tape.gradient(value, y_pred)
    assert gradient.dtype == tf.float64 and bool(tf.reduce_all(tf.math.is_finite(gradient)))
