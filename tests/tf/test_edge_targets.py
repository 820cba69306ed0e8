"""faceloss.tf.edge_targets and downscale_x2."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import EdgeTargets, canny, downscale_x2, edge_targets


def test_downscale_x2_equals_tf_image_resize_bilinear():
    image = tf.random.uniform((2, 16, 24, 3))
    expected = tf.image.resize(image, (8, 12), method="bilinear", antialias=False)
    np.testing.assert_allclose(downscale_x2(image).numpy(), expected.numpy(), rtol=0, atol=1e-6)


def test_downscale_x2_raises_if_size_is_odd():
    with pytest.raises(ValueError, match="even height and width"):
        downscale_x2(tf.zeros((1, 5, 4, 3)))


def test_edge_targets_equal_the_reference():
    hr = np.random.default_rng(0).random((2, 32, 32, 3))
    for mine, theirs in zip(
        edge_targets(tf.constant(hr), k=1.2), ref.edge_targets(hr, k=1.2), strict=True
    ):
        np.testing.assert_array_equal(mine.numpy(), theirs)


def test_edge_targets_sizes_for_a_128_input():
    targets = edge_targets(tf.random.uniform((2, 128, 128, 3)))
    assert [tuple(t.shape) for t in targets] == [(2, 32, 32, 1), (2, 64, 64, 1), (2, 128, 128, 1)]


def test_layer_equals_function_and_round_trips_through_serialization():
    hr = tf.random.uniform((2, 32, 32, 3))
    layer = EdgeTargets(scales=(2, 1), low=30.0, high=90.0)
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert restored.get_config() == layer.get_config()
    for a, b in zip(restored(hr), edge_targets(hr, (2, 1), low=30, high=90), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(layer(hr)[1].numpy(), canny(hr, 30, 90).numpy())


def test_raises_on_bad_scales():
    with pytest.raises(ValueError, match="power of two"):
        EdgeTargets(scales=(3,))
    with pytest.raises(ValueError, match="divisible by every scale"):
        edge_targets(tf.random.uniform((1, 24, 24, 3)), scales=(16,))


@pytest.mark.parametrize("scales", ["421", 4, ()])
def test_module_raises_the_function_type_error_on_non_sequence_scales(scales):
    with pytest.raises(TypeError, match="scales must be a non-empty sequence of ints"):
        EdgeTargets(scales=scales)
