"""faceloss.tf.canny: cv2.Canny bit for bit on real faces (eager and tf.function), Keras layer."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.tf import Canny, adaptive_thresholds, canny
from tests import canny_cases

pytest.importorskip("cv2", reason="needs the opencv extra")


def test_matches_cv2_exactly_on_packaged_faces():
    for size, name, image, low, high, l2, expected in canny_cases.packaged_cases():
        ours = canny(tf.constant(image), low, high, l2_gradient=l2)
        canny_cases.assert_identical(ours.numpy(), expected, f"TF {name} at {size}px (astronaut)")


def test_matches_cv2_exactly_on_real_faces(shared_data):
    for size, name, image, low, high, l2, expected in canny_cases.cv2_cases(shared_data):
        ours = canny(tf.constant(image), low, high, l2_gradient=l2)
        canny_cases.assert_identical(ours.numpy(), expected, f"TF {name} at {size}px")


def test_matches_cv2_inside_tf_function_on_float32_faces(shared_data):
    faces = canny_cases.load_faces(canny_cases.ci_files(shared_data, 32))
    image = faces.astype(np.float32) / 255.0
    for _, low, high, l2 in canny_cases.MODES:
        lo, hi = canny_cases.thresholds(image.astype(np.float64), low, high, l2)
        expected = canny_cases.cv2_canny(image, lo, hi, l2)
        graph = tf.function(
            lambda x, low=low, high=high, l2=l2: canny(x, low, high, l2_gradient=l2)
        )
        canny_cases.assert_identical(graph(tf.constant(image)).numpy(), expected, "TF graph")


def test_tf_function_with_unknown_shapes_and_threshold_tensors():
    graph = tf.function(
        canny,
        input_signature=[
            tf.TensorSpec([None, None, None, 3], tf.float32),
            tf.TensorSpec([None], tf.float64),
            tf.TensorSpec([None], tf.float64),
        ],
    )
    image = np.random.default_rng(0).random((3, 20, 70, 3)).astype(np.float32)
    low, high = np.array([10.0, 40.0, 80.0]), np.array([30.0, 120.0, 400.0])
    np.testing.assert_array_equal(
        graph(image, low, high).numpy(), ref.canny(image.astype(np.float64), low, high)
    )


def test_adaptive_thresholds_equal_the_reference_bit_for_bit_with_l1():
    image = np.random.default_rng(1).random((4, 24, 20, 3))
    low, high = adaptive_thresholds(tf.constant(image))
    ref_low, ref_high = ref.adaptive_thresholds(image)
    np.testing.assert_array_equal(low.numpy(), ref_low)
    np.testing.assert_array_equal(high.numpy(), ref_high)


def test_output_keeps_dtype_and_is_binary():
    edges = canny(tf.random.uniform((2, 16, 16, 3), dtype=tf.float16))
    assert edges.dtype == tf.float16 and edges.shape == (2, 16, 16, 1)
    assert set(np.unique(edges.numpy()).tolist()) <= {0.0, 1.0}


def test_layer_equals_function_and_round_trips_through_serialization():
    image = tf.random.uniform((2, 16, 16, 1))
    layer = Canny(20.0, 60.0, l2_gradient=True, name="edges")
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert restored.get_config() == layer.get_config()
    expected = canny(image, 20, 60, l2_gradient=True)
    np.testing.assert_array_equal(restored(image).numpy(), expected.numpy())
    np.testing.assert_array_equal(layer(image).numpy(), expected.numpy())
    adaptive = keras.layers.deserialize(keras.layers.serialize(Canny(k=1.2, low_ratio=0.4)))
    np.testing.assert_array_equal(
        adaptive(image).numpy(), canny(image, k=1.2, low_ratio=0.4).numpy()
    )


def test_layer_in_a_functional_model():
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, Canny()(inputs))
    assert model(tf.zeros((2, 32, 32, 3))).shape == (2, 32, 32, 1)


class TestCannyErrors:
    image = tf.random.uniform((2, 8, 8, 3))

    def test_raises_if_values_outside_unit_range(self):
        with pytest.raises(ValueError, match=r"image must have values in \[0, 1\]"):
            canny(self.image * 255.0, 50, 255)

    @pytest.mark.parametrize("channels", [2, 4])
    def test_raises_if_channels_not_1_or_3(self, channels):
        with pytest.raises(ValueError, match="must have 1 or 3 channel"):
            canny(tf.zeros((1, 8, 8, channels)))

    def test_raises_if_smaller_than_3x3(self):
        with pytest.raises(ValueError, match="at least 3x3"):
            canny(tf.zeros((1, 8, 2, 3)))

    def test_raises_if_low_above_high(self):
        with pytest.raises(ValueError, match="low must be <= high"):
            canny(self.image, 100, 50)
        with pytest.raises(ValueError, match="low must be <= high"):
            canny(self.image, tf.constant([10.0, 100.0]), tf.constant([20.0, 50.0]))
        with pytest.raises(ValueError, match="low must be <= high"):
            Canny(100.0, 50.0)

    def test_raises_if_negative_threshold(self):
        with pytest.raises(ValueError, match="low must be >= 0"):
            canny(self.image, -1, 50)
        with pytest.raises(ValueError, match="high must be >= 0"):
            canny(self.image, 0, tf.constant([1.0, -1.0]))

    def test_raises_if_only_one_threshold(self):
        with pytest.raises(ValueError, match="give both thresholds or neither"):
            canny(self.image, None, 50)

    def test_raises_if_adaptive_coefficients_invalid(self):
        with pytest.raises(ValueError, match="k must be >= 0"):
            canny(self.image, k=-1.0)
        with pytest.raises(ValueError, match=r"low_ratio must be in \[0, 1\]"):
            Canny(low_ratio=2.0)

    def test_raises_if_integer_image(self):
        with pytest.raises(TypeError, match="floating-point"):
            canny(tf.zeros((1, 8, 8, 3), tf.int32))


def test_raises_if_threshold_tensor_has_wrong_batch_size():
    with pytest.raises(ValueError, match=r"one value per image of shape \(2,\)"):
        canny(tf.zeros((2, 8, 8, 3)), tf.zeros(3), tf.ones(3))


def test_numpy_threshold_arrays_are_accepted_and_checked():
    image = tf.random.uniform((2, 8, 8, 3))
    np.testing.assert_array_equal(
        canny(image, np.array([10.0, 20.0]), np.array([30.0, 40.0])).numpy(),
        ref.canny(image.numpy().astype(np.float64), np.array([10.0, 20.0]), np.array([30.0, 40.0])),
    )
    with pytest.raises(ValueError, match="low must be <= high"):
        canny(image, np.array([10.0, 50.0]), np.array([30.0, 40.0]))


@pytest.mark.parametrize("size", [64, 203])
def test_a_long_snake_of_weak_edges_matches_cv2(size):
    image = canny_cases.snake_image(size)
    expected = canny_cases.cv2_canny(image, np.array([40.0]), np.array([200.0]), False)
    ours = canny(tf.constant(image), 40.0, 200.0)
    canny_cases.assert_identical(ours.numpy(), expected, f"TF snake {size}px")


def test_a_long_snake_with_faces_in_one_batch_matches_cv2():
    from tests.packaged_faces import astronaut_faces

    faces = astronaut_faces()[:3] / 255.0
    image = np.concatenate([canny_cases.snake_image(128), faces])
    expected = canny_cases.cv2_canny(image, np.full(4, 40.0), np.full(4, 200.0), False)
    ours = canny(tf.constant(image), 40.0, 200.0)
    canny_cases.assert_identical(ours.numpy(), expected, "TF snake + faces")
