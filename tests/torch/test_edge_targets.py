"""faceloss.torch.edge_targets and downscale_x2."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import faceloss.reference as ref
from faceloss.torch import EdgeTargets, canny, downscale_x2, edge_targets


def test_downscale_x2_equals_bilinear_interpolate_without_antialias():
    image = torch.rand(2, 3, 16, 24)
    expected = F.interpolate(image, scale_factor=0.5, mode="bilinear", align_corners=False)
    torch.testing.assert_close(downscale_x2(image), expected, rtol=0, atol=1e-6)


def test_downscale_x2_is_differentiable():
    image = torch.rand(1, 2, 4, 4, requires_grad=True)
    downscale_x2(image).sum().backward()
    torch.testing.assert_close(image.grad, torch.full_like(image, 0.25))


def test_downscale_x2_raises_if_size_is_odd():
    with pytest.raises(ValueError, match="even height and width"):
        downscale_x2(torch.zeros(1, 3, 4, 7))


def test_edge_targets_equal_the_reference():
    hr = np.random.default_rng(0).random((2, 32, 32, 3))
    ours = edge_targets(torch.from_numpy(hr).permute(0, 3, 1, 2), k=1.2)
    for mine, theirs in zip(ours, ref.edge_targets(hr, k=1.2), strict=True):
        np.testing.assert_array_equal(mine.permute(0, 2, 3, 1).numpy(), theirs)


def test_edge_targets_sizes_for_a_128_input():
    targets = edge_targets(torch.rand(2, 3, 128, 128))
    assert [tuple(t.shape) for t in targets] == [(2, 1, 32, 32), (2, 1, 64, 64), (2, 1, 128, 128)]


def test_module_equals_function():
    hr = torch.rand(2, 3, 32, 32)
    module = EdgeTargets(scales=(2, 1), low=30.0, high=90.0)
    for a, b in zip(module(hr), edge_targets(hr, (2, 1), low=30, high=90), strict=True):
        assert torch.equal(a, b)
    assert torch.equal(module(hr)[1], canny(hr, 30, 90))


def test_raises_on_bad_scales():
    with pytest.raises(ValueError, match="power of two"):
        EdgeTargets(scales=(3,))
    with pytest.raises(ValueError, match="divisible by every scale"):
        edge_targets(torch.rand(1, 3, 24, 24), scales=(16,))


@pytest.mark.parametrize("scales", ["421", 4, ()])
def test_module_raises_the_function_type_error_on_non_sequence_scales(scales):
    with pytest.raises(TypeError, match="scales must be a non-empty sequence of ints"):
        EdgeTargets(scales=scales)
