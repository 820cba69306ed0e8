"""torch and TF match the NumPy reference for rgb_to_yuv and the luminance-chrominance loss."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faceloss.spec import YUV_FROM_RGB
from tests.parity.harness import assert_backends_match_reference, assert_gradients_match
from tests.parity.strategies import image_batches, image_pairs
from tests.parity.tolerances import assert_close

DTYPES = [np.float64, np.float32]


@pytest.mark.parametrize("dtype", DTYPES)
@given(image=image_batches())
def test_rgb_to_yuv_matches_reference(dtype, image):
    assert_backends_match_reference(
        "rgb_to_yuv", image, dtype=dtype, image_args=(0,), image_output=True
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(pair=image_pairs())
def test_luminance_chrominance_loss_matches_reference(dtype, reduction, pair):
    prediction, target = pair
    assert_backends_match_reference(
        "luminance_chrominance_loss",
        prediction,
        target,
        dtype=dtype,
        image_output=reduction == "none",
        reduction=reduction,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@given(pair=image_pairs())
def test_mean_loss_gradient_is_analytic_in_torch_and_tf(dtype, pair):
    prediction, target = pair
    g_torch, _ = assert_gradients_match(
        "luminance_chrominance_loss", prediction, target, dtype=dtype, reduction="mean"
    )
    # d/dp mean((M (p - t))^2) = 2 / (N H W 3) * M^T M (p - t), per pixel.
    p = prediction.astype(dtype).astype(np.float64)
    t = target.astype(dtype).astype(np.float64)
    expected = 2.0 / p.size * np.einsum("nhwc,yc,yd->nhwd", p - t, YUV_FROM_RGB, YUV_FROM_RGB)
    assert_close(g_torch, expected, dtype, "torch gradient vs analytic")


@pytest.mark.parametrize("dtype", DTYPES)
@given(pair=image_pairs(), seed=st.integers(0, 2**32 - 1))
def test_unreduced_loss_gradients_agree_between_torch_and_tf(dtype, pair, seed):
    prediction, target = pair
    weights = np.random.default_rng(seed).random(prediction.shape)
    for wrt in (0, 1):  # gradient reaches the prediction and the target alike
        assert_gradients_match(
            "luminance_chrominance_loss",
            prediction,
            target,
            dtype=dtype,
            wrt=wrt,
            image_output=True,
            weights=weights,
            reduction="none",
        )
