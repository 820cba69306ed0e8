"""faceloss.torch psnr and PSNR: skimage agreement, identical images, gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.torch import PSNR, psnr
from tests.metric_data import face_pairs, skimage_psnr


def nchw(array: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2).to(dtype)


def as_reference_input(tensor: torch.Tensor) -> np.ndarray:
    return tensor.permute(0, 2, 3, 1).double().numpy()


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


class TestPSNR:
    def test_psnr_float32_matches_skimage_on_real_faces(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(nchw(prediction), nchw(target)).numpy(),
            skimage_psnr(prediction, target),
            rtol=1e-5,
        )

    def test_psnr_is_inf_for_identical_images(self) -> None:
        target = torch.rand(2, 3, 8, 8)
        assert torch.isposinf(psnr(target, target)).all()

    def test_psnr_y_channel_equals_the_reference(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            psnr(nchw(prediction, torch.float64), nchw(target, torch.float64), y_channel=True),
            ref.psnr(prediction, target, y_channel=True),
            rtol=1e-12,
        )

    def test_psnr_metric_is_the_mean_of_per_image_values(self) -> None:
        target = torch.full((2, 1, 4, 4), 0.5)
        prediction = target + torch.tensor([0.1, 0.01]).view(2, 1, 1, 1)
        metric = PSNR()
        metric.update(prediction, target)
        assert float(metric.compute()) == pytest.approx(30.0, abs=1e-4)

    def test_psnr_gradient_is_finite_for_different_images(self) -> None:
        prediction = 0.1 + 0.8 * torch.rand(2, 3, 8, 8, dtype=torch.float64)
        prediction.requires_grad_(True)
        target = torch.rand(2, 3, 8, 8, dtype=torch.float64)
        assert torch.autograd.gradcheck(lambda a: psnr(a, target, y_channel=True), (prediction,))
