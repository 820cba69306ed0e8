"""FaceNet torch vs Keras with the same seeded weights: outputs and input gradients to 1e-4.

One pair of networks per module (FaceNet has 23.5 M parameters). The raw ``last_bn``
output at 160x160 on random images and on real faces; the two heads (L2-normalised
embedding, logits) on small random images; input gradients.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import tensorflow as tf
import torch

import faceloss.tf
import faceloss.torch
from faceloss.weights.convert import torch_to_keras
from tests.parity.networks import one_torch_thread, seeded_state_dict
from tests.parity.tolerances import NETWORK_TOLERANCES, assert_close, max_differences

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    with one_torch_thread():
        yield


@pytest.fixture(scope="module")
def nets() -> tuple[faceloss.torch.InceptionResnetV1, faceloss.tf.InceptionResnetV1]:
    torch_net = faceloss.torch.InceptionResnetV1(num_classes=7)
    state_dict = seeded_state_dict(torch_net, seed=1234)
    torch_net.load_state_dict(state_dict)
    keras_net = torch_to_keras(state_dict, faceloss.tf.InceptionResnetV1(num_classes=7))
    return torch_net, keras_net


def _set_mode(net: object, mode: str) -> None:
    net.classify = mode == "logits"
    net.normalize = mode != "raw"


@pytest.fixture
def modes(nets: tuple) -> Iterator[None]:
    yield
    for net in nets:
        _set_mode(net, "embedding")


def _outputs(nets: tuple, images: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
    torch_net, keras_net = nets
    _set_mode(torch_net, mode)
    _set_mode(keras_net, mode)
    with torch.no_grad():
        ours = torch_net(torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()).numpy()
    return ours, keras_net(tf.constant(images)).numpy()


def _real_faces(shared_data: Path) -> np.ndarray:
    folders = sorted((shared_data / "celeba_identity").glob("id*"))[:2]  # two people
    paths = [sorted(folder.glob("*.jpg"))[0] for folder in folders]
    faces = []
    for path in paths:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        faces.append(cv2.resize(rgb, (160, 160), interpolation=cv2.INTER_LINEAR))
    return np.stack(faces).astype(np.float32) / 255.0


def test_torch_and_keras_agree_on_random_images(nets: tuple, modes: None) -> None:
    images = np.random.default_rng(0).random((2, 160, 160, 3), dtype=np.float32)
    ours, keras_out = _outputs(nets, images, "raw")
    assert ours.shape == keras_out.shape == (2, 512)
    assert_close(keras_out, ours, np.float32, "FaceNet raw Keras vs torch", NETWORK_TOLERANCES)


def test_torch_and_keras_agree_on_real_faces(nets: tuple, modes: None, shared_data: Path) -> None:
    images = _real_faces(shared_data)
    ours, keras_out = _outputs(nets, images, "raw")
    assert_close(keras_out, ours, np.float32, "FaceNet raw Keras vs torch", NETWORK_TOLERANCES)
    assert max_differences(ours[0], ours[1])[0] > 1e-3  # two different faces, two outputs


@pytest.mark.parametrize("mode", ["embedding", "logits"])
def test_torch_and_keras_heads_agree(nets: tuple, modes: None, mode: str) -> None:
    # The heads after last_bn; 80x80 inputs keep this cheap (the body is covered above).
    images = np.random.default_rng(2).random((2, 80, 80, 3), dtype=np.float32)
    ours, keras_out = _outputs(nets, images, mode)
    assert ours.shape == keras_out.shape == ((2, 7) if mode == "logits" else (2, 512))
    assert_close(keras_out, ours, np.float32, f"FaceNet {mode} Keras vs torch", NETWORK_TOLERANCES)


def test_input_gradients_agree(nets: tuple, modes: None) -> None:
    torch_net, keras_net = nets
    for net in nets:
        _set_mode(net, "raw")
    rng = np.random.default_rng(1)
    images = rng.random((2, 96, 96, 3), dtype=np.float32)
    weights = rng.standard_normal((2, 512)).astype(np.float32)

    image_t = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().requires_grad_()
    (torch_net(image_t) * torch.from_numpy(weights)).sum().backward()
    ours = image_t.grad.permute(0, 2, 3, 1).numpy()

    image_k = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(image_k)
        objective = tf.reduce_sum(keras_net(image_k) * weights)
    theirs = tape.gradient(objective, image_k).numpy()
    scale = float(np.abs(ours).max())
    assert scale > 0
    assert_close(
        theirs / scale, ours / scale, np.float32, "FaceNet input gradient", NETWORK_TOLERANCES
    )
