"""torch TAR: function vs the reference, the module's state, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.torch import TAR, tar


def test_tar_matches_the_reference_on_face_descriptor_like_embeddings():
    rng = np.random.default_rng(0)
    hr = rng.standard_normal((64, 128)) * 0.08
    sr = hr + rng.standard_normal((64, 128)) * 0.04
    thresholds = [0.4, 0.5, 0.6]
    expected = ref.tar(sr, hr, thresholds)
    got = tar(torch.from_numpy(sr), torch.from_numpy(hr), thresholds)
    assert got.dtype == torch.float64
    np.testing.assert_array_equal(got.numpy(), expected)


def test_module_accumulates_resets_and_forward_returns_the_batch_value():
    metric = TAR([0.5], distance="squared_l2")
    sr, hr = torch.tensor([[0.5, 0.5], [1.0, 0.0]]), torch.zeros(2, 2)
    assert metric(sr, hr).tolist() == [50.0]
    metric.update(sr[:1], hr[:1])
    assert metric.compute().tolist() == [pytest.approx(200 / 3)]
    assert metric.state["count"].item() == 3
    metric.reset()
    assert torch.isnan(metric.compute()).all()


def test_raises_on_int_embeddings_bad_shapes_and_distance():
    with pytest.raises(TypeError, match="floating-point"):
        tar(torch.zeros(2, 3, dtype=torch.int64), torch.zeros(2, 3), [0.5])
    with pytest.raises(ValueError, match="same shape"):
        tar(torch.zeros(2, 3), torch.zeros(3, 3), [0.5])
    with pytest.raises(ValueError, match="distance must be one of"):
        TAR([0.5], distance="cosine")
