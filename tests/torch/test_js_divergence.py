"""faceloss.torch.js_divergence: gradients, dtypes and extreme logits."""

from __future__ import annotations

import math

import pytest
import torch

from faceloss.torch import js_divergence

torch.manual_seed(0)


def test_gradcheck_in_float64_for_moderate_and_extreme_logits():
    for scale in (1.0, 30.0):
        logits_p = (scale * torch.randn(3, 7, dtype=torch.float64)).requires_grad_()
        logits_q = (scale * torch.randn(3, 7, dtype=torch.float64)).requires_grad_()
        assert torch.autograd.gradcheck(js_divergence, (logits_p, logits_q))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16])
def test_finite_value_and_gradient_for_logits_of_1e4(dtype):
    logits_p = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype, requires_grad=True)
    logits_q = torch.tensor([[-1e4, 1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype, requires_grad=True)
    value = js_divergence(logits_p, logits_q)
    value.sum().backward()
    assert torch.isfinite(value).all()
    assert value[0].item() == pytest.approx(math.log(2), rel=1e-2)
    assert value[1].item() == 0.0
    assert torch.isfinite(logits_p.grad).all() and torch.isfinite(logits_q.grad).all()


def test_dim_selects_the_bins():
    logits_p, logits_q = torch.randn(2, 4, 6, 5)
    torch.testing.assert_close(
        js_divergence(logits_p, logits_q, dim=1),
        js_divergence(logits_p.transpose(1, -1), logits_q.transpose(1, -1)),
    )


def test_matches_the_kl_div_construction():
    logits_p, logits_q = 3 * torch.randn(2, 5, 512, dtype=torch.float64)
    p, q = logits_p.softmax(-1), logits_q.softmax(-1)
    log_m = ((p + q) / 2).log()
    kl = torch.nn.functional.kl_div
    expected = 0.5 * kl(log_m, p, reduction="none").sum(-1) + 0.5 * kl(
        log_m, q, reduction="none"
    ).sum(-1)
    torch.testing.assert_close(js_divergence(logits_p, logits_q), expected, rtol=1e-12, atol=1e-14)
