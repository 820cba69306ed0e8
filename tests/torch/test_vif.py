"""faceloss.torch vif and VIF: piq vif_p agreement, identical images, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import faceloss.reference as ref
from faceloss.torch import VIF, vif
from tests.metric_data import face_pairs, piq_module


def nchw(array: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2).to(dtype)


def as_reference_input(tensor: torch.Tensor) -> np.ndarray:
    return tensor.permute(0, 2, 3, 1).double().numpy()


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


class TestVIF:
    def test_vif_y_channel_matches_piq_vif_p_on_real_faces(self, faces) -> None:
        vif_module = piq_module("vif")
        prediction, target = nchw(faces[0]), nchw(faces[1])
        expected = vif_module.vif_p(prediction.double(), target.double(), reduction="none")
        # float32 vs piq in float64: the float32 moment cancellation, ~3e-6 measured here.
        torch.testing.assert_close(
            vif(prediction, target, y_channel=True).double(), expected, rtol=0, atol=1e-5
        )

    def test_vif_float32_is_within_1e5_of_the_reference(self, faces) -> None:
        prediction, target = faces
        np.testing.assert_allclose(
            vif(nchw(prediction), nchw(target)).numpy(),
            ref.vif(
                prediction.astype(np.float32).astype(np.float64),
                target.astype(np.float32).astype(np.float64),
            ),
            rtol=0,
            atol=1e-5,
        )

    def test_vif_is_one_for_identical_images(self, faces) -> None:
        target = nchw(faces[1][:2])
        torch.testing.assert_close(vif(target, target), torch.ones(2), rtol=0, atol=1e-5)

    def test_vif_is_differentiable(self, faces) -> None:
        prediction = nchw(faces[0][:2]).requires_grad_(True)
        VIF()(prediction, nchw(faces[1][:2])).backward()
        assert torch.isfinite(prediction.grad).all() and prediction.grad.abs().sum() > 0

    def test_raises_if_smaller_than_41_pixels(self) -> None:
        with pytest.raises(ValueError, match="at least 41x41"):
            vif(torch.zeros(1, 3, 40, 48), torch.zeros(1, 3, 40, 48))
