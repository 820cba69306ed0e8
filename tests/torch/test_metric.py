"""faceloss.torch MeanMetric: state, reset, NaN before updates, extension with counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from faceloss.torch import PSNR, SSIM, MeanMetric
from tests.metric_data import face_pairs


def nchw(array: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2).to(dtype)


def as_reference_input(tensor: torch.Tensor) -> np.ndarray:
    return tensor.permute(0, 2, 3, 1).double().numpy()


@pytest.fixture(scope="module")
def faces(shared_data) -> tuple[np.ndarray, np.ndarray]:
    return face_pairs(shared_data, 8)


class TestMeanMetric:
    def test_compute_is_nan_before_any_update_and_after_reset(self) -> None:
        metric = PSNR()
        assert torch.isnan(metric.compute())
        metric.update(torch.full((1, 1, 4, 4), 0.5), torch.full((1, 1, 4, 4), 0.4))
        metric.reset()
        assert torch.isnan(metric.compute()) and int(metric.count) == 0

    def test_state_is_float64_total_and_int64_count_not_in_state_dict(self) -> None:
        metric = SSIM()
        assert metric.total.dtype == torch.float64 and metric.count.dtype == torch.int64
        assert list(metric.state) == ["total", "count"]
        assert metric.state_dict() == {}

    def test_extension_with_an_extra_count(self) -> None:
        class Skipping(MeanMetric):
            def __init__(self) -> None:
                super().__init__()
                self.add_state("skipped", torch.int64)

            def _per_image(self, prediction, target):
                return (prediction - target).abs().mean(dim=(1, 2, 3))

            def update(self, prediction, target) -> None:
                values = self._per_image(prediction, target)
                self._follow(values.device)
                keep = values > 0
                self.skipped += (~keep).sum()
                self._accumulate(values[keep])

        metric = Skipping()
        metric.update(
            torch.full((3, 1, 2, 2), 0.5),
            torch.tensor([0.5, 0.25, 0.5]).view(3, 1, 1, 1).expand(3, 1, 2, 2),
        )
        assert {k: float(v) for k, v in metric.state.items()} == {
            "total": 0.25,
            "count": 1.0,
            "skipped": 2.0,
        }
        metric.reset()
        assert int(metric.skipped) == 0

    def test_accumulation_does_not_keep_the_graph(self) -> None:
        prediction = torch.rand(2, 3, 16, 16, requires_grad=True)
        metric = SSIM()
        metric.update(prediction, torch.rand(2, 3, 16, 16))
        assert not metric.total.requires_grad
