"""Parity of TAR (eq. 12): NumPy reference vs torch vs TF, functions and accumulators."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.parity.harness import assert_backends_match_reference, run_all, to_backend
from tests.parity.strategies import embedding_pairs


def _thresholds(
    sr: np.ndarray, hr: np.ndarray, distance: str, fractions: list[float]
) -> list[float]:
    """Thresholds spread over the pairs' distances, none within 1e-4 (relative) of one, so
    float32 rounding of a distance cannot flip a pair."""
    d = np.sqrt(np.sum((sr - hr) ** 2, axis=1))
    d = d if distance == "euclidean" else d**2
    top = float(d.max()) * 1.5 + 1e-3
    thresholds = [f * top for f in fractions]
    for t in thresholds:
        assume(np.all(np.abs(d - t) > 1e-4 * max(t, 1e-12)))
    return thresholds


@given(
    embedding_pairs(),
    st.sampled_from(("euclidean", "squared_l2")),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
)
def test_tar_backends_match_reference(pair, distance, fractions) -> None:
    sr, hr = pair
    thresholds = _thresholds(sr, hr, distance, fractions)
    for dtype in (np.float64, np.float32):
        out = assert_backends_match_reference(
            "tar", sr, hr, image_args=(), dtype=dtype, thresholds=thresholds, distance=distance
        )
        assert out["reference"].shape == (len(thresholds),)


@given(embedding_pairs(), st.sampled_from(("euclidean", "squared_l2")), st.integers(1, 4))
def test_tar_accumulators_match_the_reference_function(pair, distance, chunks) -> None:
    sr, hr = pair
    thresholds = _thresholds(sr, hr, distance, [0.1, 0.4, 0.8])
    expected = run_all("tar", sr, hr, image_args=(), thresholds=thresholds, distance=distance)[
        "reference"
    ]
    import faceloss.reference
    import faceloss.tf
    import faceloss.torch

    for backend, module in (
        ("reference", faceloss.reference),
        ("torch", faceloss.torch),
        ("tf", faceloss.tf),
    ):
        metric = module.TAR(thresholds, distance=distance)
        for part in range(chunks):
            rows = slice(part * len(sr) // chunks, (part + 1) * len(sr) // chunks)
            if rows.start == rows.stop:
                continue
            metric.update(
                to_backend(sr[rows], backend, False, np.float64),
                to_backend(hr[rows], backend, False, np.float64),
            )
        np.testing.assert_array_equal(np.asarray(metric.compute()), expected, err_msg=backend)
