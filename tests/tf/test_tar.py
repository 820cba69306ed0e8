"""TF TAR: function vs the reference, the Keras metric (graph mode, serialization), errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import TAR, tar


def test_tar_matches_the_reference_on_face_descriptor_like_embeddings():
    rng = np.random.default_rng(0)
    hr = rng.standard_normal((64, 128)) * 0.08
    sr = hr + rng.standard_normal((64, 128)) * 0.04
    thresholds = [0.4, 0.5, 0.6]
    got = tar(tf.constant(sr), tf.constant(hr), thresholds)
    assert got.dtype == tf.float64
    np.testing.assert_array_equal(got.numpy(), ref.tar(sr, hr, thresholds))


def test_metric_works_in_tf_function_and_keras_order():
    metric = TAR([0.5, 0.6])
    sr = tf.constant([[0.3, 0.4], [0.0, 0.55], [0.6, 0.0], [1.0, 1.0]])

    @tf.function
    def step(embeddings_sr, embeddings_hr):
        metric.update_state(embeddings_hr, embeddings_sr)  # Keras: y_true first

    step(sr[:2], tf.zeros((2, 2)))
    step(sr[2:], tf.zeros((2, 2)))
    assert metric.compute().numpy().tolist() == [25.0, 75.0]
    metric.reset()
    assert np.isnan(metric.compute().numpy()).all()


def test_serialization_keeps_non_default_arguments():
    metric = TAR([0.02, 0.04], distance="squared_l2", name="tar_net")
    restored = keras.metrics.deserialize(keras.metrics.serialize(metric))
    assert restored.get_config() == metric.get_config()
    sr, hr = tf.constant([[0.1, 0.0], [0.1, 0.2]]), tf.zeros((2, 2))  # squared: 0.01, 0.05
    metric.update(sr, hr)
    restored.update(sr, hr)
    np.testing.assert_array_equal(restored.compute().numpy(), metric.compute().numpy())
    assert metric.compute().numpy().tolist() == [50.0, 50.0]


def test_raises_on_int_embeddings_bad_shapes_and_sample_weight():
    with pytest.raises(TypeError, match="floating-point"):
        tar(tf.zeros((2, 3), tf.int32), tf.zeros((2, 3)), [0.5])
    with pytest.raises(ValueError, match="same shape"):
        tar(tf.zeros((2, 3)), tf.zeros((2, 4)), [0.5])
    with pytest.raises(ValueError, match="sample_weight"):
        TAR([0.5]).update_state(tf.zeros((2, 3)), tf.zeros((2, 3)), sample_weight=tf.ones(2))
