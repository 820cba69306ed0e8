"""Keras EdgeBlock: shapes, layer == function, serialization round trips, errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import EdgeBlock, avg_pool_same, edge_block


def features(shape=(2, 9, 10, 6), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).random(shape).astype(np.float32)


def test_edge_block_shapes_and_channel_order():
    x = tf.constant(features())
    concat, edge = EdgeBlock(10)(x)
    assert concat.shape == (2, 9, 10, 12) and edge.shape == (2, 9, 10, 1)
    np.testing.assert_array_equal(concat[..., :6].numpy(), x.numpy())
    np.testing.assert_allclose(concat[..., 6:].numpy(), (x - avg_pool_same(x, 10)).numpy())


def test_layer_equals_function():
    block = EdgeBlock(7, relu=True)
    x = tf.constant(features())
    out = block(x)
    expected = edge_block(x, block.conv.kernel, block.conv.bias, 7, relu=True)
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_weights_are_named_conv_kernel_and_bias():
    block = EdgeBlock(5, name="edge1")
    block(tf.constant(features()))
    assert [w.path for w in block.weights] == ["edge1/conv/kernel", "edge1/conv/bias"]


def test_works_in_a_functional_model_and_in_a_tf_function():
    inputs = keras.Input((None, None, 6))
    concat, edge = EdgeBlock(10)(inputs)
    model = keras.Model(inputs, [concat, edge])
    assert tuple(model.outputs[0].shape) == (None, None, None, 12)
    x = tf.constant(features())
    eager = model(x)
    graph = tf.function(model)(x)
    for a, b in zip(eager, graph, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)


def test_config_round_trip_with_non_default_arguments():
    block = EdgeBlock(7, relu=True, name="edge2", dtype="float64")
    x = tf.constant(features().astype(np.float64))
    expected = block(x)
    config = block.get_config()
    assert config["pool_size"] == 7 and config["relu"] is True and config["name"] == "edge2"
    clone = EdgeBlock.from_config(config)
    clone.build(x.shape)
    clone.set_weights(block.get_weights())
    assert clone.dtype == "float64"
    for got, want in zip(clone(x), expected, strict=True):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_saved_keras_model_reloads_with_the_same_outputs(tmp_path):
    inputs = keras.Input((None, None, 6))
    concat, edge = EdgeBlock(10, relu=True, name="edge3")(inputs)
    model = keras.Model(inputs, [keras.layers.Conv2D(2, 3, padding="same")(concat), edge])
    model.layers[1].conv.bias.assign([0.25])  # not the default, so loading must restore it
    x = features()
    expected = model(x)
    path = tmp_path / "edge_block.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    layer = restored.get_layer("edge3")
    assert isinstance(layer, EdgeBlock) and layer.pool_size == 10 and layer.relu is True
    for got, want in zip(restored(x), expected, strict=True):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_trains_one_step():
    inputs = keras.Input((8, 8, 3))
    _, edge = EdgeBlock(5)(inputs)
    model = keras.Model(inputs, edge)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(features((4, 8, 8, 3)), np.zeros((4, 8, 8, 1)), epochs=1, verbose=0)
    assert not np.array_equal(before, model.get_weights()[0])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: EdgeBlock(0), ValueError, "pool_size must be at least 1"),
        (lambda: EdgeBlock("5"), TypeError, "pool_size must be an int"),
        (lambda: EdgeBlock(5, relu=None), TypeError, "relu must be a bool"),
        (lambda: EdgeBlock(5).build((None, 8, 8, None)), ValueError, "known channel count"),
        (
            lambda: edge_block(features(), tf.ones((1, 1, 5, 1)), None, 5),
            ValueError,
            "features must have 5 channel",
        ),
        (
            lambda: edge_block(features(), tf.ones((1, 6, 1, 1)), None, 5),
            ValueError,
            r"weight must have shape \(1, 1, \?, 1\) \(kh, kw, in, out\)",
        ),
        (
            lambda: edge_block(features(), tf.ones((1, 1, 6, 1), tf.float64), None, 5),
            TypeError,
            r"weight must have the dtype of features \(float32\), got float64",
        ),
        (
            lambda: edge_block(features(), tf.ones((1, 1, 6, 1)), tf.ones(1, tf.float64), 5),
            TypeError,
            "bias must have the dtype of features",
        ),
    ],
)
def test_raises_on_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_layer_raises_on_a_channel_count_other_than_built():
    block = EdgeBlock(5)
    block(tf.constant(features()))
    with pytest.raises(ValueError, match="features must have 6 channel"):
        block(tf.constant(features((1, 8, 8, 4))))


def test_mixed_precision_policy_computes_in_float16_with_float32_weights():
    block = EdgeBlock(10, dtype="mixed_float16")
    concat, edge = block(tf.constant(features()))
    assert concat.dtype == edge.dtype == tf.float16
    assert block.conv.kernel.dtype == "float32"
