"""torch FR-PSNR / FR-SSIM: values vs the reference on real faces, gradients, the module state,
errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.detect import ExplicitBoxes, SkimageLBPDetector
from faceloss.torch import FRPSNR, FRSSIM, FaceRegionResult, fr_psnr, fr_ssim
from tests.face_data import load_faces, upscale_bicubic


def _nchw(x: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).to(dtype)


@pytest.fixture(scope="module")
def faces(shared_data):
    hr = load_faces(shared_data / "helen_fsrnet50" / "HR", 6)
    sr = upscale_bicubic(load_faces(shared_data / "helen_fsrnet50" / "LR_x8", 6), 128)
    return sr / 255.0, hr / 255.0


@pytest.mark.parametrize("fn", ["fr_psnr", "fr_ssim"])
def test_values_match_the_reference_on_real_faces_with_lbp(faces, fn):
    sr, hr = faces
    detector = SkimageLBPDetector()
    expected = getattr(ref, fn)(sr, hr, detector=detector)
    got = {"fr_psnr": fr_psnr, "fr_ssim": fr_ssim}[fn](_nchw(sr), _nchw(hr), detector=detector)
    assert got.dtype == torch.float32 and got.shape == (6,)
    np.testing.assert_array_equal(np.isnan(got.numpy()), np.isnan(expected))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_module_matches_the_reference_accumulator_on_real_faces(faces):
    sr, hr = faces
    box = ExplicitBoxes((16, 16, 112, 112))
    metric, expected = FRSSIM(detector=box), ref.FRSSIM(detector=box)
    for i in range(0, 6, 4):
        metric.update(_nchw(sr[i : i + 4], torch.float64), _nchw(hr[i : i + 4], torch.float64))
        expected.update(sr[i : i + 4], hr[i : i + 4])
    got, want = metric.compute(), expected.compute()
    assert isinstance(got, FaceRegionResult)
    assert (got.evaluated, got.skipped) == (want.evaluated, want.skipped) == (6, 0)
    np.testing.assert_allclose(got.value, want.value, rtol=1e-12)


def test_gradient_reaches_only_the_face_crops_of_evaluated_images():
    rng = np.random.default_rng(0)
    target = _nchw(rng.random((3, 24, 24, 3)), torch.float64)
    prediction = (target * 0.9 + 0.05).requires_grad_(True)
    values = fr_ssim(prediction, target, boxes=[(2, 2, 20, 20), None, (0, 0, 5, 5)])
    assert torch.isnan(values[1:]).all()
    values[0].backward()
    grad = prediction.grad
    assert grad[0, :, 2:20, 2:20].abs().sum() > 0
    assert grad[0, :, 20:].abs().sum() == 0 and grad[0, :, :, :2].abs().sum() == 0
    assert grad[1:].abs().sum() == 0


def test_forward_returns_the_batch_mean_and_accumulates():
    target = torch.full((4, 3, 16, 16), 0.5, dtype=torch.float64)
    metric = FRPSNR(detector=ExplicitBoxes((0, 0, 8, 8)))
    batch_mean = metric(target + 0.1, target, boxes=[(0, 0, 8, 8), None, None, (0, 0, 16, 16)])
    assert float(batch_mean) == pytest.approx(20.0)
    assert metric.compute() == FaceRegionResult(20.0, 2, 2, 0)
    metric.reset()
    result = metric.compute()
    assert result.evaluated == 0 and np.isnan(result.value)


def test_a_batch_without_any_face_is_all_skipped():
    target = torch.zeros(2, 3, 16, 16)
    metric = FRSSIM(detector=SkimageLBPDetector())
    metric.update(target, target)
    result = metric.compute()
    assert (result.evaluated, result.skipped_no_face) == (0, 2) and np.isnan(result.value)


def test_detector_sees_the_uint8_target_in_hwc_layout():
    seen = []

    def spy(image):
        seen.append(image)
        return []

    target = torch.rand(2, 3, 10, 14)
    fr_psnr(torch.zeros_like(target), target, detector=spy)
    expected = np.round(target.permute(0, 2, 3, 1).double().numpy() * 255).astype(np.uint8)
    np.testing.assert_array_equal(np.stack(seen), expected)


def test_raises_on_nhwc_grayscale_or_mismatched_batches():
    nhwc = torch.rand(2, 16, 16, 3)
    with pytest.raises(ValueError, match="3 channel"):
        fr_psnr(nhwc, nhwc, boxes=[None, None])
    with pytest.raises(ValueError, match="3 channel"):
        fr_ssim(torch.rand(2, 1, 16, 16), torch.rand(2, 1, 16, 16), boxes=[None, None])
    with pytest.raises(ValueError, match="same shape"):
        fr_psnr(torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 15), boxes=[None, None])
    with pytest.raises(TypeError, match="floating-point"):
        fr_psnr(torch.zeros(1, 3, 4, 4, dtype=torch.uint8), torch.zeros(1, 3, 4, 4), boxes=[None])


def test_raises_if_boxes_do_not_match_the_batch():
    x = torch.rand(2, 3, 16, 16)
    with pytest.raises(ValueError, match=r"one entry per image \(2\)"):
        FRPSNR(detector=ExplicitBoxes((0, 0, 4, 4))).update(x, x, boxes=[None])
