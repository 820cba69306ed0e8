"""Copying EdgeBlock weights between torch and Keras: equal outputs, layouts, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import torch

import faceloss.tf
import faceloss.torch
from faceloss.weights import (
    conv_kernel_keras_to_torch,
    conv_kernel_torch_to_keras,
    copy_edge_block_weights,
)


def outputs(torch_block, keras_block, x: np.ndarray):
    keras_out = [o.numpy() for o in keras_block(tf.constant(x))]
    with torch.no_grad():
        torch_out = torch_block(torch.from_numpy(x).permute(0, 3, 1, 2))
    return keras_out, [o.permute(0, 2, 3, 1).numpy() for o in torch_out]


X = np.random.default_rng(0).random((2, 11, 12, 8), dtype=np.float32)


@pytest.mark.parametrize("pool_size", [5, 7, 10])
def test_torch_to_keras_gives_equal_outputs(pool_size):
    torch_block = faceloss.torch.EdgeBlock(8, pool_size, relu=True)
    keras_block = faceloss.tf.EdgeBlock(pool_size, relu=True)
    copy_edge_block_weights(torch_block, keras_block)  # builds the Keras block
    for a, b in zip(*outputs(torch_block, keras_block, X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_keras_to_torch_gives_equal_outputs():
    keras_block = faceloss.tf.EdgeBlock(10)
    keras_block(tf.constant(X))
    keras_block.conv.bias.assign([0.5])
    torch_block = faceloss.torch.EdgeBlock(8, 10)
    copy_edge_block_weights(keras_block, torch_block)
    assert torch_block.conv.bias.item() == 0.5
    for a, b in zip(*outputs(torch_block, keras_block, X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_copy_casts_to_the_destination_dtype():
    torch_block = faceloss.torch.EdgeBlock(8, 5).double()
    keras_block = faceloss.tf.EdgeBlock(5)
    copy_edge_block_weights(torch_block, keras_block)
    assert keras_block.conv.kernel.dtype == "float32"
    np.testing.assert_allclose(
        keras_block.conv.kernel.numpy()[0, 0, :, 0],
        torch_block.conv.weight.detach().numpy()[0, :, 0, 0].astype(np.float32),
    )


def test_kernel_layouts_round_trip():
    weight = np.random.default_rng(1).random((4, 3, 2, 5))
    kernel = conv_kernel_torch_to_keras(weight)
    assert kernel.shape == (2, 5, 3, 4)
    assert kernel[1, 4, 2, 3] == weight[3, 2, 1, 4]
    np.testing.assert_array_equal(conv_kernel_keras_to_torch(kernel), weight)


def test_raises_on_different_channel_counts():
    keras_block = faceloss.tf.EdgeBlock(5)
    keras_block(tf.constant(X))
    with pytest.raises(ValueError, match="different channel counts"):
        copy_edge_block_weights(faceloss.torch.EdgeBlock(4, 5), keras_block)
    with pytest.raises(ValueError, match="different channel counts"):
        copy_edge_block_weights(keras_block, faceloss.torch.EdgeBlock(4, 5))


def test_raises_on_different_pool_size_unless_not_strict():
    torch_block, keras_block = faceloss.torch.EdgeBlock(8, 5), faceloss.tf.EdgeBlock(7)
    with pytest.raises(ValueError, match=r"differ in pool_size \(5 vs 7\)"):
        copy_edge_block_weights(torch_block, keras_block)
    copy_edge_block_weights(torch_block, keras_block, strict=False)
    np.testing.assert_allclose(
        keras_block.conv.bias.numpy(), torch_block.conv.bias.detach().numpy()
    )


def test_raises_on_an_unbuilt_keras_source():
    with pytest.raises(ValueError, match="no weights yet"):
        copy_edge_block_weights(faceloss.tf.EdgeBlock(5), faceloss.torch.EdgeBlock(8, 5))


@pytest.mark.parametrize(
    "pair",
    [
        lambda: (faceloss.torch.EdgeBlock(8, 5), faceloss.torch.EdgeBlock(8, 5)),
        lambda: (torch.nn.Conv2d(8, 1, 1), faceloss.tf.EdgeBlock(5)),
    ],
)
def test_raises_unless_one_torch_and_one_keras_edge_block(pair):
    with pytest.raises(TypeError, match=r"one faceloss\.torch\.EdgeBlock and one"):
        copy_edge_block_weights(*pair())


def test_layout_functions_refuse_non_4d_kernels():
    with pytest.raises(ValueError, match="4-D convolution kernel"):
        conv_kernel_torch_to_keras(np.zeros((1, 8)))
    with pytest.raises(TypeError, match="floating-point"):
        conv_kernel_keras_to_torch(np.zeros((1, 1, 8, 1), dtype=int))


def test_importing_faceloss_weights_imports_neither_backend():
    code = (
        "import sys, faceloss.weights; "
        "assert 'torch' not in sys.modules and 'tensorflow' not in sys.modules"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
