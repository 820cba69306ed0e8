"""Multi-scale edge loss (eq. 3): torch and TF against the NumPy reference, and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.parity.harness import assert_backends_match_reference, assert_gradients_match
from tests.parity.strategies import edge_scale_lists

REDUCTIONS = ("mean", "sum", "none")


@st.composite
def loss_cases(draw: st.DrawFn):
    edges, targets = draw(edge_scale_lists())
    weighted = draw(st.booleans())
    weights = None
    if weighted:
        weights = draw(
            st.lists(
                st.sampled_from((0.0, 0.3, 1.0, 2.5)), min_size=len(edges), max_size=len(edges)
            )
        )
    return edges, targets, weights


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=loss_cases())
def test_edge_loss_matches_reference(case, reduction, dtype):
    edges, targets, weights = case
    assert_backends_match_reference(
        "edge_loss", edges, targets, weights=weights, reduction=reduction, dtype=dtype
    )


@pytest.mark.parametrize("wrt", [0, 1], ids=["edges", "targets"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(case=loss_cases(), seed=st.integers(0, 2**32 - 1))
def test_edge_loss_gradients_match(case, seed, reduction, wrt):
    edges, targets, weights = case
    n = edges[0].shape[0]
    output_weights = None
    if reduction == "none":
        output_weights = np.random.default_rng(seed).standard_normal(n)
    # The harness' own ``weights`` weighs the outputs, so the scale weights go positionally.
    scale_weights = () if weights is None else (weights,)
    g_torch, _ = assert_gradients_match(
        "edge_loss",
        edges,
        targets,
        *scale_weights,
        weights=output_weights,
        wrt=wrt,
        reduction=reduction,
    )
    assert len(g_torch) == len(edges)
