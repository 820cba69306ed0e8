"""Keras edge loss: Loss == function, Keras reductions and sample weights, serialization."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import EdgeLoss, edge_loss


def scales(n: int = 2):
    rng = np.random.default_rng(0)
    edges = [tf.constant(rng.standard_normal((n, s, s, 1)), tf.float32) for s in (4, 8, 16)]
    targets = [tf.constant(rng.random((n, s, s, 1)) > 0.7, tf.float32) for s in (4, 8, 16)]
    return edges, targets


def test_loss_object_equals_function_mean():
    edges, targets = scales()
    loss = EdgeLoss(weights=[1.0, 0.5, 2.0])
    expected = edge_loss(edges, targets, [1.0, 0.5, 2.0])
    np.testing.assert_allclose(float(loss(targets, edges)), float(expected), rtol=1e-6)


def test_reduction_none_and_sample_weight_act_per_sample():
    edges, targets = scales(3)
    per_sample = EdgeLoss(reduction=None)(targets, edges)
    np.testing.assert_allclose(
        per_sample.numpy(), edge_loss(edges, targets, reduction="none").numpy(), rtol=1e-6
    )
    weighted = EdgeLoss(reduction="sum")(targets, edges, sample_weight=tf.constant([1.0, 0.0, 2.0]))
    expected = per_sample[0] + 2 * per_sample[2]
    np.testing.assert_allclose(float(weighted), float(expected), rtol=1e-6)


def test_a_single_tensor_pair_is_one_scale():
    edges, targets = scales()
    np.testing.assert_allclose(
        float(EdgeLoss()(targets[1], edges[1])),
        float(edge_loss([edges[1]], [targets[1]])),
        rtol=1e-6,
    )


def test_serialization_round_trip_keeps_weights_and_reduction():
    loss = EdgeLoss(weights=[0.2, 0.3, 0.5], reduction="sum", name="edges", dtype="float64")
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(restored, EdgeLoss)
    assert restored.weights == (0.2, 0.3, 0.5)
    assert (restored.reduction, restored.name, restored.dtype) == ("sum", "edges", "float64")
    edges, targets = scales()
    assert float(restored(targets, edges)) == float(loss(targets, edges))


def test_gradient_flows_to_every_scale():
    edges, targets = scales()
    variables = [tf.Variable(e) for e in edges]
    with tf.GradientTape() as tape:
        value = EdgeLoss()(targets, variables)
    grads = tape.gradient(value, variables)
    for g, e, t in zip(grads, edges, targets, strict=True):
        np.testing.assert_allclose(
            g.numpy(), (2 * (e - t) / tf.size(t, tf.float32)).numpy(), rtol=1e-5
        )


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: EdgeLoss(weights=[1.0, float("inf")]), ValueError, "finite and non-negative"),
        (lambda: EdgeLoss(weights=[1.0])(*scales()[::-1]), ValueError, "3 scale\\(s\\), got 1"),
        (lambda: edge_loss(tf.zeros((1, 4, 4, 1)), [tf.zeros((1, 4, 4, 1))]), TypeError, "single"),
        (
            lambda: edge_loss([tf.zeros((1, 4, 4, 2))], [tf.zeros((1, 4, 4, 2))]),
            ValueError,
            "1 channel",
        ),
    ],
)
def test_raises_on_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_compile_with_one_edge_loss_per_output_trains():
    from faceloss.tf import EdgeBlock

    inputs = keras.Input((8, 8, 3))
    features, edge1 = EdgeBlock(5, name="edge1")(inputs)
    up = keras.layers.UpSampling2D()(features)
    _, edge2 = EdgeBlock(7, name="edge2")(up)
    model = keras.Model(inputs, [edge1, edge2])
    model.compile(optimizer="sgd", loss=[EdgeLoss(), EdgeLoss()], loss_weights=[0.3, 0.3])
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype(np.float32)
    y = [np.ones((4, 8, 8, 1), np.float32), np.ones((4, 16, 16, 1), np.float32)]
    history = model.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][1] < history.history["loss"][0]
