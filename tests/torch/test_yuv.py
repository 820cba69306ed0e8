"""faceloss.torch: rgb_to_yuv, luminance_chrominance_loss and LuminanceChrominanceLoss."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
import torch

from faceloss import reference
from faceloss.torch import LuminanceChrominanceLoss, luminance_chrominance_loss, rgb_to_yuv

torch.manual_seed(0)


def test_module_equals_function_for_every_reduction():
    prediction, target = torch.rand(2, 2, 3, 9, 7)
    for reduction in ("mean", "sum", "none"):
        module = LuminanceChrominanceLoss(reduction=reduction)
        torch.testing.assert_close(
            module(prediction, target), luminance_chrominance_loss(prediction, target, reduction)
        )


def test_module_rejects_unknown_reduction_at_construction():
    with pytest.raises(ValueError, match="reduction must be one of"):
        LuminanceChrominanceLoss(reduction="batchmean")


def test_module_repr_shows_reduction():
    assert "reduction='sum'" in repr(LuminanceChrominanceLoss("sum"))


def test_real_face_value_matches_reference():
    face = skimage.data.astronaut()[::4, ::4].astype(np.float64) / 255.0  # 128x128 RGB
    blurred = (face + np.roll(face, 1, axis=0) + np.roll(face, 1, axis=1)) / 3
    expected = float(reference.luminance_chrominance_loss(blurred[None], face[None]))
    as_torch = lambda a: torch.from_numpy(a[None].transpose(0, 3, 1, 2).copy())  # noqa: E731
    got = float(luminance_chrominance_loss(as_torch(blurred), as_torch(face)))
    assert got == pytest.approx(expected, rel=1e-12)


def test_gradcheck_in_float64():
    prediction = torch.rand(2, 3, 4, 5, dtype=torch.float64, requires_grad=True)
    target = torch.rand(2, 3, 4, 5, dtype=torch.float64, requires_grad=True)
    for reduction in ("mean", "sum", "none"):
        assert torch.autograd.gradcheck(
            lambda p, t, r=reduction: luminance_chrominance_loss(p, t, r), (prediction, target)
        )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_keeps_dtype_and_is_finite(dtype):
    prediction, target = torch.rand(2, 1, 3, 8, 8).to(dtype)
    loss = luminance_chrominance_loss(prediction, target)
    assert loss.dtype == dtype
    assert torch.isfinite(loss)
    assert rgb_to_yuv(prediction).dtype == dtype


def test_works_under_cpu_autocast():
    prediction = torch.rand(1, 3, 8, 8, requires_grad=True)
    target = torch.rand(1, 3, 8, 8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = LuminanceChrominanceLoss()(prediction, target)
    loss.backward()
    assert torch.isfinite(prediction.grad).all()


def test_torch_compile_gives_the_same_value():
    prediction, target = torch.rand(2, 2, 3, 8, 8)
    compiled = torch.compile(LuminanceChrominanceLoss(), backend="eager", fullgraph=True)
    torch.testing.assert_close(
        compiled(prediction, target), luminance_chrominance_loss(prediction, target)
    )


def test_gradient_flows_to_both_inputs_like_mse():
    prediction = torch.rand(1, 3, 4, 4, requires_grad=True)
    target = torch.rand(1, 3, 4, 4, requires_grad=True)
    luminance_chrominance_loss(prediction, target).backward()
    torch.testing.assert_close(prediction.grad, -target.grad)


def test_yuv_matrix_is_made_once_per_dtype_and_device():
    # A new tensor per call would be a host-to-device copy (a CUDA sync) at every loss call.
    from faceloss.torch.yuv import _yuv_matrix

    image = torch.rand(1, 3, 2, 2)
    assert _yuv_matrix(image) is _yuv_matrix(image.clone())
    assert _yuv_matrix(image.double()).dtype == torch.float64
    assert _yuv_matrix(image.double()) is _yuv_matrix(image.double())


def test_a_first_call_under_inference_mode_does_not_break_later_gradients():
    from faceloss.torch._constant import _cached

    _cached.cache_clear()
    target = torch.rand(2, 3, 4, 4)
    with torch.inference_mode():
        luminance_chrominance_loss(torch.rand(2, 3, 4, 4), target)
    prediction = torch.rand(2, 3, 4, 4, requires_grad=True)
    luminance_chrominance_loss(prediction, target).backward()
    assert prediction.grad is not None and prediction.grad.abs().sum() > 0
