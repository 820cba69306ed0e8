"""torch edge loss: module == function, gradients, compile, errors."""

from __future__ import annotations

import pytest
import torch

from faceloss.torch import EdgeLoss, edge_loss


def scales(n: int = 2):
    gen = torch.Generator().manual_seed(0)
    edges = [torch.randn(n, 1, s, s, generator=gen) for s in (4, 8, 16)]
    targets = [(torch.rand(n, 1, s, s, generator=gen) > 0.7).float() for s in (4, 8, 16)]
    return edges, targets


def test_module_equals_function():
    edges, targets = scales()
    criterion = EdgeLoss(weights=(1.0, 0.5, 2.0), reduction="sum")
    expected = edge_loss(edges, targets, [1.0, 0.5, 2.0], reduction="sum")
    torch.testing.assert_close(criterion(edges, targets), expected, rtol=0, atol=0)


def test_mean_is_sum_of_per_scale_mse():
    edges, targets = scales()
    expected = sum(torch.nn.functional.mse_loss(e, t) for e, t in zip(edges, targets, strict=True))
    torch.testing.assert_close(edge_loss(edges, targets), expected)


def test_gradient_is_twice_the_error_over_the_pixel_count():
    edges, targets = scales()
    edges = [e.requires_grad_(True) for e in edges]
    edge_loss(edges, targets).backward()
    for e, t in zip(edges, targets, strict=True):
        torch.testing.assert_close(e.grad, 2 * (e.detach() - t) / t.numel())


def test_gradcheck_float64():
    edges, targets = scales()
    edges = [e.double().requires_grad_(True) for e in edges]
    targets = [t.double() for t in targets]
    assert torch.autograd.gradcheck(
        lambda a, b, c: edge_loss([a, b, c], targets, [0.3, 1.0, 2.0], reduction="none"),
        tuple(edges),
    )


def test_extra_repr():
    assert "weights=(1.0, 2.0), reduction='mean'" in repr(EdgeLoss([1, 2]))


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: EdgeLoss(weights=[-1.0]), ValueError, "finite and non-negative"),
        (lambda: EdgeLoss(reduction="avg"), ValueError, "reduction must be one of"),
        (lambda: EdgeLoss([1.0, 1.0])(*scales()), ValueError, "3 scale\\(s\\), got 2 weight"),
        (
            lambda: edge_loss(torch.zeros(1, 1, 4, 4), [torch.zeros(1, 1, 4, 4)]),
            TypeError,
            "got a single Tensor",
        ),
        (
            lambda: edge_loss([torch.zeros(1, 3, 4, 4)], [torch.zeros(1, 3, 4, 4)]),
            ValueError,
            "1 channel",
        ),
        (
            lambda: edge_loss([torch.zeros(1, 1, 4, 4)], [torch.zeros(1, 1, 4, 5)]),
            ValueError,
            "same shape",
        ),
    ],
)
def test_raises_on_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()
