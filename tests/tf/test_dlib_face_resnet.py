"""faceloss.tf.DlibFaceResNet: shapes, freezing, gradients, errors, serialization, dlib's descriptors."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from faceloss.tf import DlibFaceResNet
from tests.identity_faces import dlib_chips, dlib_chips_of, dlib_descriptors, identity_files
from tests.packaged_faces import astronaut


@pytest.fixture(scope="module")
def net() -> DlibFaceResNet:
    return DlibFaceResNet()


def test_smoke_shape_and_dtype(net: DlibFaceResNet) -> None:
    out = net(tf.random.uniform((3, 150, 150, 3)))
    assert out.shape == (3, 128)
    assert out.dtype == tf.float32


def test_is_frozen_by_default_and_trainable_on_request() -> None:
    frozen = DlibFaceResNet(pretrained=False)
    assert not frozen.trainable and frozen.trainable_weights == []
    trainable = DlibFaceResNet(pretrained=False, trainable=True)
    assert sum(int(np.prod(w.shape)) for w in trainable.trainable_weights) == 5_614_592


def test_sublayer_names_follow_the_torch_module(net: DlibFaceResNet) -> None:
    names = {w.path for w in net.weights}
    assert "dlib_face_resnet/conv0/kernel" in names
    assert "dlib_face_resnet/blocks_13/conv2/kernel" in names
    assert "dlib_face_resnet/blocks_0/affine1/gamma" in names
    assert "dlib_face_resnet/fc/kernel" in names


def test_gradient_reaches_the_input(net: DlibFaceResNet) -> None:
    image = tf.random.uniform((2, 150, 150, 3))
    with tf.GradientTape() as tape:
        tape.watch(image)
        total = tf.reduce_sum(tf.square(net(image)))
    grad = tape.gradient(total, image)
    assert bool(tf.reduce_all(tf.math.is_finite(grad))) and float(tf.reduce_sum(tf.abs(grad))) > 0


def test_raises_if_input_is_not_150x150(net: DlibFaceResNet) -> None:
    with pytest.raises(ValueError, match=r"150x150 face chips \(NHWC\), got 128x128"):
        net(tf.zeros((1, 128, 128, 3)))


def test_raises_if_weights_path_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no dlib face ResNet file"):
        DlibFaceResNet(tmp_path / "missing.dat")


def test_serialization_round_trip_reloads_weights_from_the_file(net: DlibFaceResNet) -> None:
    config = keras.layers.serialize(DlibFaceResNet(name="identity"))
    assert "kernel" not in str(config)  # weights are not in the config
    restored = keras.layers.deserialize(config)
    assert isinstance(restored, DlibFaceResNet) and restored.name == "identity"
    assert not restored.trainable
    image = tf.random.uniform((1, 150, 150, 3), seed=1)
    np.testing.assert_array_equal(restored(image).numpy(), net(image).numpy())


def test_works_inside_a_functional_model(net: DlibFaceResNet) -> None:
    inputs = keras.Input((150, 150, 3))
    model = keras.Model(inputs, net(inputs))
    assert model.output_shape == (None, 128)
    assert model.predict(np.zeros((1, 150, 150, 3), np.float32), verbose=0).shape == (1, 128)


def test_matches_dlib_on_packaged_faces(net: DlibFaceResNet) -> None:
    pytest.importorskip("dlib", reason="needs the dlib-bin extra (faceloss[dlib-reference])")
    chips, _ = dlib_chips_of([astronaut(), np.ascontiguousarray(astronaut()[:, ::-1])], 2)
    expected = dlib_descriptors(chips)
    got = net(tf.constant(chips, tf.float32) / 255.0).numpy()
    diff = np.abs(got - expected).max()
    assert diff < 1e-5, f"max abs difference to dlib {diff:.3g}"


def test_matches_dlib_on_aligned_real_faces(net: DlibFaceResNet, shared_data: Path) -> None:
    pytest.importorskip("dlib", reason="needs the dlib-bin extra (faceloss[dlib-reference])")
    files, _ = identity_files(shared_data)
    chips, _ = dlib_chips(files[::50], 4)
    expected = dlib_descriptors(chips)
    got = net(tf.constant(chips, tf.float32) / 255.0).numpy()
    diff = np.abs(got - expected).max()
    assert diff < 1e-5, f"max abs difference to dlib {diff:.3g}"
