"""Parity of the full-image metrics (psnr, ssim, vif): NumPy reference vs torch vs TF.

Values in float64 (the shared tight tolerance) and float32 (1e-5), gradients torch
vs TF in float64. VIF's flat-region guards compare variances with 1e-8 on the 0..255
scale, so float32 agreement relies on the backends centring each image before the
moment maps (without it a constant reference is off by up to 1); its float32 bound is the
named entry ``VIF_FLOAT32_TOLERANCES`` (reason there). Inputs are asymmetric, so a swapped (prediction, target) fails.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.parity.harness import (
    assert_backends_match_reference,
    assert_gradients_match,
    run_all,
)
from tests.parity.strategies import metric_pairs
from tests.parity.tolerances import VIF_FLOAT32_TOLERANCES, assert_close


def _weights(n: int) -> np.ndarray:
    return np.linspace(1.0, 2.0, n)


@given(metric_pairs(), st.sampled_from(("valid", "same")))
def test_ssim_backends_match_reference_float64(pair, padding) -> None:
    prediction, target, data_range, y_channel = pair
    assert_backends_match_reference(
        "ssim", prediction, target, data_range=data_range, y_channel=y_channel, padding=padding
    )


@given(metric_pairs(), st.sampled_from(("valid", "same")))
def test_ssim_backends_match_reference_float32(pair, padding) -> None:
    prediction, target, data_range, y_channel = pair
    assert_backends_match_reference(
        "ssim",
        prediction,
        target,
        dtype=np.float32,
        data_range=data_range,
        y_channel=y_channel,
        padding=padding,
    )


@pytest.mark.slow
@given(metric_pairs(max_side=16), st.sampled_from(("valid", "same")))
def test_ssim_gradients_match_torch_tf(pair, padding) -> None:
    prediction, target, data_range, y_channel = pair
    assert_gradients_match(
        "ssim",
        prediction,
        target,
        weights=_weights(len(prediction)),
        data_range=data_range,
        y_channel=y_channel,
        padding=padding,
    )


@given(metric_pairs(min_side=1, max_side=17))
def test_psnr_backends_match_reference(pair) -> None:
    prediction, target, data_range, y_channel = pair
    for dtype in (np.float64, np.float32):
        assert_backends_match_reference(
            "psnr", prediction, target, dtype=dtype, data_range=data_range, y_channel=y_channel
        )


@given(metric_pairs(min_side=1, max_side=17))
def test_psnr_gradients_match_torch_tf(pair) -> None:
    prediction, target, data_range, y_channel = pair
    assume(not np.array_equal(prediction, target))  # the gradient at equal images is NaN
    differs = (prediction != target).reshape(len(prediction), -1).any(axis=1)
    assume(differs.all())
    assert_gradients_match(
        "psnr",
        prediction,
        target,
        weights=_weights(len(prediction)),
        data_range=data_range,
        y_channel=y_channel,
    )


@pytest.mark.slow
@given(metric_pairs(min_side=41, max_side=48))
def test_vif_backends_match_reference_float64(pair) -> None:
    prediction, target, data_range, y_channel = pair
    assert_backends_match_reference(
        "vif", prediction, target, data_range=data_range, y_channel=y_channel
    )


@pytest.mark.slow
@given(metric_pairs(min_side=41, max_side=48))
def test_vif_backends_match_reference_float32(pair) -> None:
    prediction, target, data_range, y_channel = pair
    out = run_all(
        "vif", prediction, target, dtype=np.float32, data_range=data_range, y_channel=y_channel
    )
    for backend in ("torch", "tf"):
        assert_close(
            out[backend],
            out["reference"],
            np.float32,
            f"vif {backend} vs reference",
            VIF_FLOAT32_TOLERANCES,
        )


@pytest.mark.slow
@settings(max_examples=10)
@given(metric_pairs(min_side=41, max_side=44, max_batch=1))
def test_vif_gradients_match_torch_tf(pair) -> None:
    prediction, target, data_range, y_channel = pair
    assert_gradients_match("vif", prediction, target, data_range=data_range, y_channel=y_channel)
