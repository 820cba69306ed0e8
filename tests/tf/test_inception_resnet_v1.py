"""faceloss.tf.InceptionResnetV1: torch-named sublayers, outputs, freezing, serialization."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss
from faceloss.tf import InceptionResnetV1, fixed_image_standardization
from faceloss.weights.convert import keras_weight_map


def _random_images(shape: tuple[int, ...], seed: int) -> tf.Tensor:
    return tf.constant(np.random.default_rng(seed).random(shape, dtype=np.float32))


@pytest.fixture(scope="module")
def net() -> InceptionResnetV1:
    return InceptionResnetV1()


class TestInceptionResnetV1:
    def test_sublayers_carry_the_torch_names(self, net: InceptionResnetV1) -> None:
        names = keras_weight_map(net)
        assert len(names) == 602  # facenet-pytorch's backbone tensors, num_batches_tracked aside
        for key in (
            "conv2d_1a.conv.weight",
            "repeat_1.4.branch2.2.bn.running_mean",
            "repeat_2.9.branch1.2.conv.weight",
            "mixed_7a.branch2.2.conv.weight",
            "block8.conv2d.bias",
            "last_linear.weight",
            "last_bn.running_var",
        ):
            assert key in names, key
        assert net.repeat_2[9].branch1[2].conv.kernel.shape == (7, 1, 128, 128)

    def test_parameter_count_is_facenet_pytorchs(self, net: InceptionResnetV1) -> None:
        moving = sum(
            int(np.prod(w.shape)) for w in net.weights if "moving" in w.path.rsplit("/", 1)[-1]
        )
        assert sum(int(np.prod(w.shape)) for w in net.weights) - moving == 23_482_624

    def test_attributes_for_identity_losses(self, net: InceptionResnetV1) -> None:
        assert net.input_size == (160, 160)
        assert net.embedding_dim == 512

    def test_frozen_by_default_and_gradient_reaches_input(self, net: InceptionResnetV1) -> None:
        assert not net.trainable and net.trainable_weights == []
        image = _random_images((2, 80, 80, 3), seed=0)
        with tf.GradientTape() as tape:
            tape.watch(image)
            embedding = net(image)
        assert embedding.shape == (2, 512)
        np.testing.assert_allclose(tf.norm(embedding, axis=1).numpy(), 1.0, rtol=1e-5)
        gradient = tape.gradient(embedding, image)
        assert float(tf.reduce_sum(tf.abs(gradient))) > 0

    def test_frozen_batch_norm_ignores_training_flag(self, net: InceptionResnetV1) -> None:
        image = _random_images((2, 80, 80, 3), seed=1)
        net.dropout.rate = 0.0  # isolate the batch norms from dropout's randomness
        try:
            trained = net(image, training=True)
        finally:
            net.dropout.rate = net.dropout_prob
        np.testing.assert_allclose(trained.numpy(), net(image).numpy(), rtol=1e-5, atol=1e-6)

    def test_mixed_bfloat16_policy_is_finite_with_finite_input_gradient(self) -> None:
        net = InceptionResnetV1(normalize=False, dtype="mixed_bfloat16")
        image = _random_images((2, 80, 80, 3), seed=6)
        with tf.GradientTape() as tape:
            tape.watch(image)
            out = net(image)
        gradient = tape.gradient(out, image)
        assert out.dtype == tf.bfloat16 and gradient.dtype == tf.float32
        assert bool(tf.reduce_all(tf.math.is_finite(tf.cast(out, tf.float32))))
        assert bool(tf.reduce_all(tf.math.is_finite(gradient)))

    def test_runs_in_a_tf_function_with_unknown_batch(self, net: InceptionResnetV1) -> None:
        spec = tf.TensorSpec((None, 96, 96, 3), tf.float32)
        embed = tf.function(net.call, input_signature=[spec])
        assert embed(_random_images((2, 96, 96, 3), seed=2)).shape == (2, 512)

    def test_smallest_input_is_75_pixels(self, net: InceptionResnetV1) -> None:
        assert net(_random_images((1, 75, 75, 3), seed=3)).shape == (1, 512)
        with pytest.raises(ValueError, match="at least 75x75"):
            net(tf.zeros((1, 160, 74, 3)))

    @pytest.mark.parametrize(
        ("image", "error", "match"),
        [
            (np.zeros((160, 160, 3), np.float32), ValueError, "4-D batch"),
            (np.zeros((1, 160, 160, 1), np.float32), ValueError, "3 channel"),
            (np.zeros((1, 160, 160, 3), np.int32), TypeError, "floating-point"),
            (np.full((1, 80, 80, 3), np.nan, np.float32), ValueError, "NaN or Inf"),
        ],
    )
    def test_raises_on_bad_image(
        self, net: InceptionResnetV1, image: np.ndarray, error: type, match: str
    ) -> None:
        with pytest.raises(error, match=match):
            net(tf.constant(image))

    def test_nan_propagates_with_value_checks_off(self, net: InceptionResnetV1) -> None:
        faceloss.set_value_checks(False)
        try:
            out = net(tf.fill((1, 80, 80, 3), np.nan))
        finally:
            faceloss.set_value_checks(True)
        assert bool(tf.reduce_all(tf.math.is_nan(out)))

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"classify": True}, ValueError, "classify=True needs num_classes"),
            ({"classify": True, "num_classes": 3, "normalize": False}, ValueError, "normalize"),
            ({"num_classes": -1}, ValueError, "num_classes must be a positive"),
            ({"dropout_prob": -0.1}, ValueError, r"dropout_prob must be in \[0, 1\)"),
            ({"trainable": "no"}, TypeError, "trainable must be a bool"),
        ],
    )
    def test_raises_on_bad_arguments(self, kwargs: dict, error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            InceptionResnetV1(**kwargs)

    def test_get_config_holds_every_argument_and_trainable_works(self) -> None:
        net = InceptionResnetV1(
            classify=True, num_classes=5, dropout_prob=0.25, trainable=True, name="fn"
        )
        # 602 + logits' 2, minus the moving statistics (2 per batch norm, 112 batch norms)
        assert len(net.trainable_weights) == 604 - 2 * 112
        config = net.get_config()
        assert {k: config[k] for k in ("classify", "num_classes", "dropout_prob", "trainable")} == {
            "classify": True,
            "num_classes": 5,
            "dropout_prob": 0.25,
            "trainable": True,
        }
        assert config["normalize"] is True and config["name"] == "fn"

    @pytest.mark.slow
    def test_keras_file_round_trip_keeps_config_and_weights(self, tmp_path: Path) -> None:
        net = InceptionResnetV1(normalize=False, num_classes=5, dropout_prob=0.3)
        rng = np.random.default_rng(4)
        for weight in net.weights:
            weight.assign(rng.uniform(0.5, 1.5, weight.shape).astype(np.float32) * 0.05)
        path = tmp_path / "facenet.keras"
        net.save(path)
        restored = keras.saving.load_model(path)  # safe mode: no lambdas, registered class
        assert type(restored) is InceptionResnetV1
        assert restored.get_config() == net.get_config()
        assert not restored.trainable and restored.normalize is False
        image = _random_images((2, 80, 80, 3), seed=5)
        np.testing.assert_array_equal(restored(image).numpy(), net(image).numpy())
        for ours, theirs in zip(net.weights, restored.weights, strict=True):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


class TestFixedImageStandardization:
    def test_maps_unit_range_to_facenet_range(self) -> None:
        image = tf.reshape(tf.constant([0.0, 0.5, 1.0], tf.float64), (1, 1, 1, 3))
        out = tf.reshape(fixed_image_standardization(image), [-1]).numpy()
        np.testing.assert_array_equal(out, (np.array([0.0, 127.5, 255.0]) - 127.5) / 128.0)

    def test_raises_on_wrong_channels(self) -> None:
        with pytest.raises(ValueError, match="3 channel"):
            fixed_image_standardization(tf.zeros((1, 2, 2, 4)))
