"""faceloss.weights.convert.torch_to_keras: layout conversion by name, all-or-nothing checks."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
from torch import nn

from faceloss.weights.convert import keras_to_torch, keras_weight_map, torch_to_keras
from tests.parity.networks import seeded_state_dict


class TorchNet(nn.Module):
    """Conv (with and without bias), BatchNorm2d, a Sequential, Linear, BatchNorm1d."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 4, (3, 2), padding=0, bias=False)
        self.bn = nn.BatchNorm2d(4, eps=1e-3)
        self.branch = nn.Sequential(nn.ReLU(), nn.Conv2d(4, 5, 1))
        self.fc = nn.Linear(5, 6)
        self.last_bn = nn.BatchNorm1d(6, eps=1e-3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.branch(self.bn(self.stem(x)))
        return self.last_bn(self.fc(x.mean(dim=(2, 3))))


class KerasNet(keras.Model):
    """The Keras twin: the same attribute names, ``branch`` a list."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = keras.layers.Conv2D(4, (3, 2), use_bias=False)
        self.bn = keras.layers.BatchNormalization(epsilon=1e-3)
        self.branch = [keras.layers.ReLU(), keras.layers.Conv2D(5, 1)]
        self.fc = keras.layers.Dense(6)
        self.last_bn = keras.layers.BatchNormalization(epsilon=1e-3)
        self.stem.build((None, None, None, 3))
        self.bn.build((None, None, None, 4))
        self.branch[1].build((None, None, None, 4))
        self.fc.build((None, 5))
        self.last_bn.build((None, 6))

    def call(self, x: tf.Tensor) -> tf.Tensor:
        x = self.bn(self.stem(x))
        for layer in self.branch:
            x = layer(x)
        return self.last_bn(self.fc(tf.reduce_mean(x, axis=[1, 2])))


@pytest.fixture
def torch_net() -> TorchNet:
    net = TorchNet().eval()
    net.load_state_dict(seeded_state_dict(net, seed=3))
    return net


def _snapshot(model: keras.Model) -> list[np.ndarray]:
    return [w.numpy().copy() for w in model.weights]


class TestTorchToKeras:
    def test_weight_map_names_follow_torch_attributes(self) -> None:
        assert sorted(keras_weight_map(KerasNet())) == sorted(
            k for k in TorchNet().state_dict() if not k.endswith("num_batches_tracked")
        )

    def test_converted_model_computes_the_same(self, torch_net: TorchNet) -> None:
        keras_net = torch_to_keras(torch_net, KerasNet())
        image = np.random.default_rng(0).random((2, 9, 7, 3), dtype=np.float32)
        with torch.no_grad():
            ours = torch_net(torch.from_numpy(image).permute(0, 3, 1, 2)).numpy()
        np.testing.assert_allclose(keras_net(image).numpy(), ours, rtol=1e-5, atol=1e-5)

    def test_layouts_are_transposed(self, torch_net: TorchNet) -> None:
        state = torch_net.state_dict()
        keras_net = torch_to_keras({k: v.numpy() for k, v in state.items()}, KerasNet())
        conv = state["stem.weight"].numpy()  # [out, in, kh, kw]
        np.testing.assert_array_equal(keras_net.stem.kernel.numpy(), conv.transpose(2, 3, 1, 0))
        np.testing.assert_array_equal(keras_net.fc.kernel.numpy(), state["fc.weight"].numpy().T)
        np.testing.assert_array_equal(
            keras_net.last_bn.moving_variance.numpy(), state["last_bn.running_var"].numpy()
        )

    def test_raises_on_missing_unexpected_and_mis_shaped_keys_without_changes(
        self, torch_net: TorchNet
    ) -> None:
        state = dict(torch_net.state_dict())
        state.pop("fc.bias")
        state["head.weight"] = torch.zeros(2)
        state["stem.weight"] = torch.zeros(4, 3, 2, 3)
        keras_net = KerasNet()
        before = _snapshot(keras_net)
        with pytest.raises(ValueError) as info:
            torch_to_keras(state, keras_net)
        message = str(info.value)
        assert "1 missing key(s): fc.bias" in message
        assert "1 unexpected key(s): head.weight" in message
        assert "1 mis-shaped key(s): stem.weight (4, 3, 2, 3) (expected (4, 3, 3, 2))" in message
        for old, new in zip(before, _snapshot(keras_net), strict=True):
            np.testing.assert_array_equal(old, new)

    def test_raises_on_non_float_values(self, torch_net: TorchNet) -> None:
        state = dict(torch_net.state_dict())
        state["fc.bias"] = torch.zeros(6, dtype=torch.int64)
        with pytest.raises(TypeError, match=r"state_dict\['fc.bias'\] must hold floating-point"):
            torch_to_keras(state, KerasNet())

    def test_raises_on_wrong_source_type(self) -> None:
        with pytest.raises(TypeError, match=r"torch.nn.Module or a mapping"):
            torch_to_keras([1, 2], KerasNet())

    def test_raises_on_keras_weights_outside_named_sublayers(self) -> None:
        class Stray(keras.Model):
            def __init__(self) -> None:
                super().__init__()
                self.scale = self.add_weight(shape=(1,), name="scale")

        with pytest.raises(TypeError, match=r"1 Keras weight.* not reachable.*scale"):
            torch_to_keras({}, Stray())


class TorchUp(nn.Module):
    """A strided transposed convolution (torch layout ``(in, out, kh, kw)``) and a Linear."""

    def __init__(self) -> None:
        super().__init__()
        self.up = nn.ConvTranspose2d(3, 5, 4, stride=2, padding=1)
        self.fc = nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.up(x).mean(dim=(2, 3)))


class KerasUp(keras.Model):
    """Its Keras twin: ``Conv2DTranspose`` with 'same' padding crops like torch's padding=1."""

    def __init__(self, dtype: str) -> None:
        super().__init__(dtype=dtype)
        self.up = keras.layers.Conv2DTranspose(5, 4, strides=2, padding="same", dtype=dtype)
        self.fc = keras.layers.Dense(2, dtype=dtype)

    def call(self, x: tf.Tensor) -> tf.Tensor:
        return self.fc(tf.reduce_mean(self.up(x), axis=(1, 2)))


def _built_up_pair() -> tuple[TorchUp, KerasUp]:
    torch_net = TorchUp().double()
    torch_net.load_state_dict(seeded_state_dict(torch_net, seed=3))
    keras_net = KerasUp(dtype="float64")
    keras_net(np.zeros((1, 6, 6, 3)))
    return torch_net, keras_net


def test_transposed_convolution_copies_to_keras_and_back_exactly() -> None:
    torch_net, keras_net = _built_up_pair()
    torch_to_keras(torch_net, keras_net)
    x = np.random.default_rng(0).random((2, 7, 5, 3))
    want = torch_net.up(torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    np.testing.assert_allclose(keras_net.up(x).numpy(), want.detach().numpy(), atol=1e-12)
    back = keras_to_torch(keras_net)
    assert sorted(back) == sorted(torch_net.state_dict())
    for key, value in torch_net.state_dict().items():
        np.testing.assert_array_equal(back[key], value.numpy())


def test_keras_to_torch_loads_into_the_torch_twin() -> None:
    _, keras_net = _built_up_pair()
    fresh = TorchUp().double()
    fresh.load_state_dict({k: torch.from_numpy(v) for k, v in keras_to_torch(keras_net).items()})
    x = np.random.default_rng(1).random((2, 6, 6, 3))
    np.testing.assert_allclose(
        fresh(torch.from_numpy(x).permute(0, 3, 1, 2)).detach().numpy(),
        keras_net(x).numpy(),
        atol=1e-12,
    )
