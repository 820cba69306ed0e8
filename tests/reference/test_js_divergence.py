"""NumPy reference: js_divergence against SciPy and its mathematical properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from scipy.spatial.distance import jensenshannon
from scipy.special import softmax

from faceloss.reference import js_divergence
from faceloss.spec import LN2
from tests.parity.strategies import logit_pairs

rng = np.random.default_rng(2)


def test_matches_scipy_jensenshannon_squared():
    # scipy returns the Jensen-Shannon *distance*, the square root of the divergence.
    logits_p, logits_q = 3 * rng.standard_normal((2, 6, 512))
    expected = jensenshannon(softmax(logits_p, axis=1), softmax(logits_q, axis=1), axis=1) ** 2
    np.testing.assert_allclose(js_divergence(logits_p, logits_q), expected, rtol=1e-12)


def test_is_ln2_for_disjoint_distributions():
    p = np.array([[1e4, -1e4]])
    q = np.array([[-1e4, 1e4]])
    assert js_divergence(p, q)[0] == LN2


def test_is_exactly_zero_for_equal_inputs():
    logits = 50 * rng.standard_normal((4, 512))
    np.testing.assert_array_equal(js_divergence(logits, logits.copy()), 0.0)


def test_is_shift_invariant_like_softmax():
    logits_p, logits_q = rng.standard_normal((2, 3, 10))
    np.testing.assert_allclose(
        js_divergence(logits_p + 7.0, logits_q - 3.0), js_divergence(logits_p, logits_q), atol=1e-14
    )


def test_axis_selects_the_bins():
    logits_p, logits_q = rng.standard_normal((2, 5, 3))
    np.testing.assert_allclose(
        js_divergence(logits_p, logits_q, axis=0), js_divergence(logits_p.T, logits_q.T, axis=-1)
    )


def test_single_bin_gives_zero():
    assert js_divergence(np.array([[3.0]]), np.array([[-5.0]]))[0] == 0.0


@given(pair=logit_pairs())
def test_is_symmetric_finite_and_bounded(pair):
    logits_p, logits_q = pair
    forward = js_divergence(logits_p, logits_q)
    backward = js_divergence(logits_q, logits_p)
    assert np.all(np.isfinite(forward))
    np.testing.assert_allclose(forward, backward, rtol=1e-12, atol=1e-15)
    assert np.all((forward >= 0) & (forward <= LN2))


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e4])
def test_matches_definition_through_kl_divergence(scale):
    logits_p, logits_q = scale * rng.standard_normal((2, 3, 8))
    p, q = softmax(logits_p, axis=-1), softmax(logits_q, axis=-1)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_pm = np.where(p > 0, p * np.log(p / m), 0.0).sum(-1)
        kl_qm = np.where(q > 0, q * np.log(q / m), 0.0).sum(-1)
    np.testing.assert_allclose(js_divergence(logits_p, logits_q), (kl_pm + kl_qm) / 2, atol=1e-12)
