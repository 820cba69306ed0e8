"""torch and TF match the NumPy reference for js_divergence, values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faceloss.spec import LN2
from tests.parity.harness import assert_backends_match_reference, assert_gradients_match
from tests.parity.strategies import logit_pairs

DTYPES = [np.float64, np.float32]


@pytest.mark.parametrize("dtype", DTYPES)
@given(pair=logit_pairs())
def test_js_divergence_matches_reference(dtype, pair):
    logits_p, logits_q = pair
    out = assert_backends_match_reference(
        "js_divergence", logits_p, logits_q, dtype=dtype, image_args=()
    )
    for backend, value in out.items():
        assert value.shape == logits_p.shape[:-1], backend
        assert np.all((value >= 0) & (value <= LN2)), f"{backend} out of [0, ln 2]: {value}"


@pytest.mark.parametrize("dtype", DTYPES)
@given(pair=logit_pairs(max_leading_dims=1), axis=st.sampled_from([0, -1]))
def test_js_divergence_axis_matches_reference(dtype, pair, axis):
    logits_p, logits_q = pair
    if logits_p.ndim == 1 and axis == 0:
        axis = -1
    assert_backends_match_reference(
        "js_divergence", logits_p, logits_q, dtype=dtype, image_args=(), axis=axis
    )


@pytest.mark.parametrize("dtype", DTYPES)
@given(pair=logit_pairs(), seed=st.integers(0, 2**32 - 1))
def test_js_divergence_gradients_are_finite_and_agree(dtype, pair, seed):
    logits_p, logits_q = pair
    weights = np.random.default_rng(seed).random(logits_p.shape[:-1])
    for wrt in (0, 1):
        assert_gradients_match(
            "js_divergence",
            logits_p,
            logits_q,
            dtype=dtype,
            wrt=wrt,
            image_args=(),
            weights=weights,
        )
