"""The NumPy accumulating-metric base: state, reset, NaN before updates, extension with counts."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.reference import PSNR, MeanMetric


class CountingMetric(MeanMetric):
    """A subclass with an extra count, as the face-region metrics use the extension point."""

    def __init__(self) -> None:
        super().__init__()
        self.add_state("skipped", np.int64)

    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.abs(prediction - target).mean(axis=(1, 2, 3))

    def update(self, prediction: np.ndarray, target: np.ndarray) -> None:
        values = self._per_image(prediction, target)
        keep = values > 0
        self.skipped = np.int64(self.skipped + np.count_nonzero(~keep))
        self._accumulate(values[keep])


class TestMeanMetric:
    def test_compute_is_nan_before_any_update(self) -> None:
        assert np.isnan(PSNR().compute())

    def test_state_names_are_total_and_count(self) -> None:
        metric = PSNR()
        metric.update(np.full((3, 4, 4, 1), 0.5), np.full((3, 4, 4, 1), 0.4))
        assert sorted(metric.state) == ["count", "total"]
        assert metric.state["count"] == 3
        assert metric.state["total"] == pytest.approx(60.0, rel=1e-12)
        assert isinstance(metric.total, np.float64) and isinstance(metric.count, np.int64)

    def test_reset_zeroes_every_state(self) -> None:
        metric = CountingMetric()
        metric.update(np.full((2, 4, 4, 1), 0.5), np.full((2, 4, 4, 1), 0.5))
        metric.update(np.full((1, 4, 4, 1), 0.5), np.full((1, 4, 4, 1), 0.25))
        assert metric.state == {"total": 0.25, "count": 1, "skipped": 2}
        metric.reset()
        assert metric.state == {"total": 0.0, "count": 0, "skipped": 0}
        assert np.isnan(metric.compute())

    def test_total_is_float64_even_for_float32_values(self) -> None:
        metric = CountingMetric()
        for _ in range(1000):
            metric.update(
                np.full((1, 1, 1, 1), 0.1, np.float32), np.zeros((1, 1, 1, 1), np.float32)
            )
        assert metric.total.dtype == np.float64
        np.testing.assert_allclose(metric.compute(), np.float32(0.1), rtol=1e-12)
