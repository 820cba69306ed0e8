"""NumPy reference TAR (eq. 12): values, the threshold rule, the accumulator, errors."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import TAR, tar


def test_tar_counts_pairs_within_each_threshold():
    hr = np.zeros((5, 3))
    sr = np.array([[0.1, 0, 0], [0.4, 0, 0], [0, 0.5, 0], [0, 0, 0.7], [1, 1, 1]])
    np.testing.assert_array_equal(tar(sr, hr, [0.0, 0.3, 0.5, 0.6, 2.0]), [0, 20, 60, 60, 100])


def test_a_distance_equal_to_the_threshold_is_accepted():
    # face_recognition.compare_faces: distance <= tolerance
    sr, hr = np.array([[0.5, 0.0]]), np.zeros((1, 2))
    assert tar(sr, hr, [0.5]).tolist() == [100.0]
    assert tar(sr, hr, [0.25], distance="squared_l2").tolist() == [100.0]


def test_squared_l2_is_euclidean_with_squared_thresholds():
    rng = np.random.default_rng(0)
    sr, hr = rng.standard_normal((50, 128)), rng.standard_normal((50, 128))
    d = np.linalg.norm(sr - hr, axis=1)
    thresholds = [float(np.quantile(d, q)) + 1e-9 for q in (0.1, 0.5, 0.9)]
    np.testing.assert_array_equal(
        tar(sr, hr, thresholds), tar(sr, hr, [t**2 for t in thresholds], distance="squared_l2")
    )
    np.testing.assert_allclose(tar(sr, hr, thresholds), [10.0, 50.0, 90.0])


def test_identical_embeddings_are_all_accepted_at_zero():
    e = np.random.default_rng(1).standard_normal((7, 4))
    assert tar(e, e.copy(), [0.0]).tolist() == [100.0]


def test_accumulator_equals_the_function_on_the_whole_set():
    rng = np.random.default_rng(2)
    sr, hr = rng.standard_normal((23, 16)), rng.standard_normal((23, 16))
    metric = TAR([4.0, 5.0, 6.0], distance="euclidean")
    for start in range(0, 23, 5):
        metric.update(sr[start : start + 5], hr[start : start + 5])
    np.testing.assert_array_equal(metric.compute(), tar(sr, hr, [4.0, 5.0, 6.0]))
    assert metric.state["count"] == 23
    metric.reset()
    assert np.isnan(metric.compute()).all() and metric.state == {"accepted": [0, 0, 0], "count": 0}


def test_raises_if_shapes_differ_or_are_not_2d():
    with pytest.raises(ValueError, match="same shape"):
        tar(np.zeros((3, 4)), np.zeros((3, 5)), [0.5])
    with pytest.raises(ValueError, match=r"2-D batch of embeddings \(N, D\)"):
        tar(np.zeros(4), np.zeros(4), [0.5])
    with pytest.raises(ValueError, match="must not be empty"):
        tar(np.zeros((0, 4)), np.zeros((0, 4)), [0.5])


def test_raises_on_bad_thresholds():
    e = np.zeros((2, 2))
    with pytest.raises(TypeError, match="sequence of numbers"):
        tar(e, e, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty 1-D"):
        tar(e, e, [])
    with pytest.raises(ValueError, match="finite and >= 0"):
        tar(e, e, [-0.1])
    with pytest.raises(ValueError, match="finite and >= 0"):
        TAR([float("nan")])


def test_raises_on_unknown_distance_and_non_float_embeddings():
    e = np.zeros((2, 2))
    with pytest.raises(ValueError, match="distance must be one of"):
        tar(e, e, [0.5], distance="cosine")
    with pytest.raises(TypeError, match="floating-point"):
        tar(e.astype(int), e, [0.5])


def test_raises_on_nan_embeddings():
    e = np.zeros((2, 2))
    with pytest.raises(ValueError, match="NaN or Inf"):
        tar(e + np.nan, e, [0.5])
