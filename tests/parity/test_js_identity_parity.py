"""Parity of the identity pieces: crop+resize (all three trees), DlibFaceResNet and
JSIdentityLoss (torch vs TF), and the loss' properties on hypothesis-drawn faces."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faceloss.spec import LN2
from tests.parity.harness import assert_backends_match_reference, to_backend, to_numpy
from tests.parity.strategies import image_batches, image_pairs, make_image
from tests.parity.tolerances import (
    IDENTITY_GRADIENT_FLOAT32_MIN_COSINE,
    IDENTITY_GRADIENT_TOLERANCES,
    IDENTITY_NETWORK_TOLERANCES,
    assert_close,
)

NETWORK_EXAMPLES = 4  # each example runs the 29-conv network several times in both backends
SIGNAL = 1e-5  # losses below this (noise ~1e-2 and less) have round-off gradients
SIGNAL_FLOAT64 = 1e-12  # the same in float64 (a loss of 4e-18 left gradients 4e-8 apart)
CROPS = ("celeba", None, (0.0, 0.25, 1.0, 0.5))


@pytest.fixture(scope="module")
def nets() -> dict[str, Any]:
    import faceloss.tf
    import faceloss.torch

    return {
        ("torch", np.float32): faceloss.torch.DlibFaceResNet(),
        ("tf", np.float32): faceloss.tf.DlibFaceResNet(),
        ("torch", np.float64): faceloss.torch.DlibFaceResNet().double(),
        ("tf", np.float64): faceloss.tf.DlibFaceResNet(dtype="float64"),
    }


@pytest.mark.slow
@given(
    image=image_batches(min_side=1, max_side=40),
    size=st.tuples(st.integers(1, 50), st.integers(1, 50)),
    crop=st.sampled_from(CROPS),
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_crop_resize_matches_reference(
    image: np.ndarray, size: tuple[int, int], crop: Any, dtype: type
) -> None:
    assert_backends_match_reference(
        "crop_resize", image, dtype=dtype, image_args=(0,), image_output=True, size=size, crop=crop
    )


@settings(max_examples=NETWORK_EXAMPLES)
@given(kind=st.sampled_from(("uniform", "smooth", "constant", "bounds")), seed=st.integers(0, 99))
def test_dlib_face_resnet_torch_matches_tf(nets: dict[Any, Any], kind: str, seed: int) -> None:
    image = make_image(kind, (2, 150, 150, 3), np.random.default_rng(seed))
    out = {
        b: to_numpy(nets[(b, np.float32)](to_backend(image, b, True, np.float32)), b, False)
        for b in ("torch", "tf")
    }
    assert_close(out["tf"], out["torch"], np.float32, "DlibFaceResNet TF vs torch",
                 IDENTITY_NETWORK_TOLERANCES)  # fmt: skip


def _loss(backend: str, nets: dict[Any, Any], sr: np.ndarray, hr: np.ndarray) -> Any:
    sr_b, hr_b = (to_backend(x, backend, True, np.float32) for x in (sr, hr))
    return _loss_from_tensors(backend, nets[(backend, np.float32)], sr_b, hr_b)


@pytest.mark.slow
@settings(max_examples=NETWORK_EXAMPLES)
@given(pair=image_pairs(min_side=8, max_side=48, max_batch=1))
def test_js_identity_loss_properties_and_backend_parity(
    nets: dict[Any, Any], pair: tuple[np.ndarray, np.ndarray]
) -> None:
    sr, hr = pair
    both_orders_sr = np.concatenate([sr, hr, hr])
    both_orders_hr = np.concatenate([hr, sr, hr])
    out = {
        b: to_numpy(_loss(b, nets, both_orders_sr, both_orders_hr), b, False)
        for b in ("torch", "tf")
    }
    n = len(sr)
    for backend, values in out.items():
        assert np.isfinite(values).all(), backend
        assert ((values >= 0) & (values <= LN2)).all(), (backend, values)
        np.testing.assert_allclose(values[:n], values[n : 2 * n], rtol=1e-5, atol=1e-7)  # symmetry
        assert (values[2 * n :] == 0).all(), (backend, values[2 * n :])  # identical inputs
    assert_close(out["tf"], out["torch"], np.float32, "js_identity_loss TF vs torch",
                 IDENTITY_NETWORK_TOLERANCES)  # fmt: skip


def _gradients(
    nets: dict[Any, Any], sr: np.ndarray, hr: np.ndarray, dtype: type
) -> tuple[float, dict[str, np.ndarray]]:
    """The loss summed over the batch (torch) and d(loss)/d(sr) in NHWC from both backends."""
    import tensorflow as tf
    import torch

    sr_t = to_backend(sr, "torch", True, dtype).requires_grad_(True)
    value = _loss_from_tensors("torch", nets[("torch", dtype)], sr_t,
                               to_backend(hr, "torch", True, dtype))  # fmt: skip
    (g_torch,) = torch.autograd.grad(value.sum(), sr_t)
    sr_tf = to_backend(sr, "tf", True, dtype)
    with tf.GradientTape() as tape:
        tape.watch(sr_tf)
        total = tf.reduce_sum(
            _loss_from_tensors("tf", nets[("tf", dtype)], sr_tf, to_backend(hr, "tf", True, dtype))
        )
    g_tf = tape.gradient(total, sr_tf).numpy()
    return float(value.detach().sum()), {"torch": to_numpy(g_torch, "torch", True), "tf": g_tf}


@settings(max_examples=NETWORK_EXAMPLES)
@given(pair=image_pairs(min_side=8, max_side=32, max_batch=1))
def test_js_identity_loss_gradients_match_in_float64(
    nets: dict[Any, Any], pair: tuple[np.ndarray, np.ndarray]
) -> None:
    sr, hr = pair
    # The network is piecewise linear: on the measure-zero set where a ReLU input is 0 or a
    # max-pool window has tied maxima the gradient is set-valued, and each backend returns
    # one element of that set (drawn faces land there: a random 8x8 face sat within 1e-10 of
    # such a kink, and the two gradients differed by 28% of max |grad|, while 1e-8 away they
    # agreed to 3e-15). A fixed dither of 1e-8 moves the point off that set.
    dither = 1e-8 * np.random.default_rng(0).standard_normal(sr.shape)
    value, grads = _gradients(nets, np.clip(sr + dither, 0.0, 1.0), hr, np.float64)
    assert np.isfinite(grads["torch"]).all() and np.isfinite(grads["tf"]).all()
    if value < SIGNAL_FLOAT64:
        return  # (nearly) identical faces: both gradients are round-off
    scale = max(float(np.abs(grads["torch"]).max()), 1e-300)
    assert_close(grads["tf"] / scale, grads["torch"] / scale, np.float64,
                 f"js_identity_loss gradient TF vs torch (scaled by max |grad|; loss {value:.3g})",
                 IDENTITY_GRADIENT_TOLERANCES)  # fmt: skip


@settings(max_examples=NETWORK_EXAMPLES)
@given(pair=image_pairs(min_side=8, max_side=32, max_batch=1))
def test_js_identity_loss_float32_gradients_are_finite_and_agree(
    nets: dict[Any, Any], pair: tuple[np.ndarray, np.ndarray]
) -> None:
    value, grads = _gradients(nets, *pair, np.float32)
    assert np.isfinite(grads["torch"]).all() and np.isfinite(grads["tf"]).all()
    if value < SIGNAL:
        return  # near-identical faces: the gradient is float32 round-off in both backends
    g_torch, g_tf = grads["torch"].ravel(), grads["tf"].ravel()
    cosine = float(g_tf @ g_torch) / (float(np.linalg.norm(g_tf) * np.linalg.norm(g_torch)))
    assert cosine >= IDENTITY_GRADIENT_FLOAT32_MIN_COSINE, (
        f"js_identity_loss float32 gradients TF vs torch point apart: cosine {cosine:.6f} "
        f"< {IDENTITY_GRADIENT_FLOAT32_MIN_COSINE} (loss {value:.3g})"
    )


def _loss_from_tensors(backend: str, network: Any, sr: Any, hr: Any) -> Any:
    import faceloss.tf
    import faceloss.torch

    module = faceloss.torch if backend == "torch" else faceloss.tf
    return module.js_identity_loss(sr, hr, network, reduction="none")
