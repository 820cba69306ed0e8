"""EdgeBlock and its 'SAME' average pooling: torch and TF against the NumPy reference."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.parity.harness import (
    assert_backends_match_reference,
    assert_gradients_match,
    to_numpy,
)
from tests.parity.strategies import conv1x1_weights, feature_batches, pool_sizes
from tests.parity.tolerances import GRADIENT_TOLERANCES, assert_close, window_tolerances

SMALL_SIZES = ((1, 1), (1, 2), (2, 3), (3, 2), (4, 4), (5, 9), (9, 5), (10, 11))
TORCH_PATHS = ("matmul", "pool")


@contextlib.contextmanager
def torch_path(path: str) -> Iterator[None]:
    """Force the torch averaging path: banded matrix products or avg_pool2d + crop."""
    # importlib: the attribute faceloss.torch.edge_block is the function of that name.
    module = importlib.import_module("faceloss.torch.edge_block")
    saved = module.MATMUL_COST_RATIO
    module.MATMUL_COST_RATIO = 10**9 if path == "matmul" else 0
    try:
        yield
    finally:
        module.MATMUL_COST_RATIO = saved


@st.composite
def edge_block_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    features = draw(feature_batches())
    kernel, bias = draw(conv1x1_weights(features.shape[3]))
    return features, kernel, bias, draw(pool_sizes()), draw(st.booleans())


def _edge_block_everywhere(features, kernel, bias, pool_size, relu, dtype):
    return assert_backends_match_reference(
        "edge_block",
        features,
        kernel,
        bias,
        pool_size=pool_size,
        relu=relu,
        dtype=dtype,
        image_args=(0,),
        kernel_args=(1,),
        image_output=(True, True),
        # F - avgpool(F) cancels: absolute errors scale with the features' magnitude.
        table=window_tolerances(features, kernel, pool_size),
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("path", TORCH_PATHS)
@given(case=edge_block_cases())
def test_edge_block_matches_reference(case, path, dtype):
    features, kernel, bias, pool_size, relu = case
    with torch_path(path):
        _edge_block_everywhere(features, kernel, bias, pool_size, relu, dtype)


@pytest.mark.parametrize("pool_size", [5, 7, 10])
@pytest.mark.parametrize("size", SMALL_SIZES)
@pytest.mark.parametrize("path", TORCH_PATHS)
def test_edge_block_matches_reference_for_paper_windows_and_small_maps(pool_size, size, path):
    rng = np.random.default_rng(pool_size * 100 + size[0] * 10 + size[1])
    features = rng.standard_normal((2, *size, 3))
    kernel, bias = rng.standard_normal((1, 1, 3, 1)), rng.standard_normal(1)
    with torch_path(path):
        for relu in (False, True):
            _edge_block_everywhere(features, kernel, bias, pool_size, relu, np.float64)


@pytest.mark.parametrize("path", TORCH_PATHS)
@given(features=feature_batches(), pool_size=pool_sizes())
def test_avg_pool_same_matches_reference(features, pool_size, path):
    with torch_path(path):
        assert_backends_match_reference(
            "avg_pool_same",
            features,
            pool_size=pool_size,
            image_args=(0,),
            image_output=True,
            table=window_tolerances(features, None, pool_size),
        )


@pytest.mark.parametrize("wrt", [0, 1, 2], ids=["features", "kernel", "bias"])
@pytest.mark.parametrize("path", TORCH_PATHS)
@given(case=edge_block_cases(), seed=st.integers(0, 2**32 - 1))
def test_edge_block_gradients_match(case, seed, wrt, path):
    features, kernel, bias, pool_size, relu = case
    rng = np.random.default_rng(seed)
    n, h, w, c = features.shape
    if relu:
        # ReLU has a kink at D = 0, where D of constant regions lands (up to rounding that
        # differs between backends): move the features off it by a continuous perturbation.
        features = features + 1e-3 * max(1.0, np.abs(features).max()) * rng.standard_normal(
            features.shape
        )
    # Random output weights: every element of both outputs matters to the gradient.
    weights = (rng.standard_normal((n, h, w, 2 * c)), rng.standard_normal((n, h, w, 1)))
    with torch_path(path):
        assert_gradients_match(
            "edge_block",
            features,
            kernel,
            bias,
            pool_size=pool_size,
            relu=relu,
            wrt=wrt,
            image_args=(0,),
            kernel_args=(1,),
            weights=weights,
            image_output=(True, True),
            table=window_tolerances(features, kernel, pool_size, GRADIENT_TOLERANCES),
        )


@given(case=edge_block_cases())
def test_modules_with_copied_weights_match_reference(case):
    import tensorflow as tf
    import torch

    import faceloss.tf
    import faceloss.torch
    from faceloss.reference import edge_block
    from faceloss.weights import copy_edge_block_weights

    features, kernel, _, pool_size, relu = case
    channels = features.shape[3]
    torch_block = faceloss.torch.EdgeBlock(channels, pool_size, relu=relu).double()
    keras_block = faceloss.tf.EdgeBlock(pool_size, relu=relu, dtype="float64")
    copy_edge_block_weights(torch_block, keras_block)
    kernel = keras_block.conv.kernel.numpy()
    expected = edge_block(features, kernel, keras_block.conv.bias.numpy(), pool_size, relu)

    out_tf = to_numpy(keras_block(tf.constant(features)), "tf", True)
    x = torch.from_numpy(features.copy()).permute(0, 3, 1, 2)
    out_torch = to_numpy(torch_block(x), "torch", True)
    table = window_tolerances(features, kernel, pool_size)
    for i in range(2):
        assert_close(out_tf[i], expected[i], np.float64, f"keras EdgeBlock output {i}", table)
        assert_close(out_torch[i], expected[i], np.float64, f"torch EdgeBlock output {i}", table)


@pytest.mark.parametrize("pool_size", [2, 5, 8, 10])
@pytest.mark.parametrize("shape", [(1, 1, 7, 1), (1, 3, 7, 2), (2, 7, 7, 1), (1, 12, 13, 1)])
@pytest.mark.parametrize("path", TORCH_PATHS)
def test_avg_pool_same_gradient_equals_reference_jacobian(pool_size, shape, path):
    # The pooling is linear: the gradient of sum(w * pool(x)) is pool's transpose applied
    # to w, read off the reference column by column. (TensorFlow's own AvgPoolGrad for
    # 'SAME' fails this for s = 8 and 10 on a width of 7.)
    from faceloss.reference import avg_pool_same
    from tests.parity.harness import gradient

    rng = np.random.default_rng(pool_size)
    x, w = rng.random(shape), rng.standard_normal(shape)
    basis = np.eye(x.size).reshape(x.size, *shape)
    expected = np.array([(avg_pool_same(e, pool_size) * w).sum() for e in basis]).reshape(shape)
    with torch_path(path):
        for backend in ("torch", "tf"):
            got = gradient(
                backend,
                "avg_pool_same",
                x,
                pool_size=pool_size,
                image_args=(0,),
                weights=w,
                image_output=True,
            )
            assert_close(got, expected, np.float64, f"avg_pool_same {backend} gradient")
