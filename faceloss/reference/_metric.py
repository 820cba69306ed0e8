"""The accumulating-metric base of the NumPy reference: a float64 sum and a count.

The torch (:mod:`faceloss.torch._metric`) and Keras (:mod:`faceloss.tf._metric`)
bases have the same state names, methods and extension point.
"""

from __future__ import annotations

import abc
from typing import Any

import numpy as np


class MeanMetric(abc.ABC):
    """Mean of a per-image metric over every image passed to ``update``.

    The state is exact and order independent up to float64 rounding: ``total``
    (float64 sum of the per-image values) and ``count`` (int64 number of images).
    :meth:`compute` returns ``total / count``, the mean of per-image values (never a
    pooled-batch statistic), and NaN before the first update.

    Extension point: a subclass implements :meth:`_per_image` (one value per
    image, shape ``(N,)``). To keep more counts (e.g. face-region metrics'
    ``"evaluated"``/``"skipped"``), call :meth:`add_state` in ``__init__`` after
    ``super().__init__()``, override :meth:`update` to add to them, and call
    :meth:`_accumulate` with the values that enter the mean; :meth:`reset` and
    :attr:`state` cover every added state. The same names exist in the torch
    and Keras bases.

    Example:
        >>> import numpy as np
        >>> from faceloss.reference import PSNR
        >>> metric = PSNR()
        >>> metric.update(np.full((2, 8, 8, 3), 0.5), np.full((2, 8, 8, 3), 0.4))
        >>> round(float(metric.compute()), 4)
        20.0
        >>> sorted(metric.state), int(metric.count)
        (['count', 'total'], 2)
    """

    def __init__(self) -> None:
        self._state_defaults: dict[str, Any] = {}
        self.add_state("total", np.float64)
        self.add_state("count", np.int64)

    def add_state(self, name: str, dtype: type[np.generic]) -> None:
        """Add a scalar state ``name`` of ``dtype``, zero after :meth:`reset`."""
        self._state_defaults[name] = dtype(0)
        setattr(self, name, dtype(0))

    @abc.abstractmethod
    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        """The metric of each image pair, shape ``(N,)``."""

    def _accumulate(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.total = np.float64(self.total + values.sum())
        self.count = np.int64(self.count + values.size)

    def update(self, prediction: np.ndarray, target: np.ndarray) -> None:
        """Add a batch: ``prediction`` and ``target`` of shape ``(N, H, W, C)``."""
        self._accumulate(self._per_image(prediction, target))

    def compute(self) -> np.float64:
        """The mean of the per-image values seen so far (float64; NaN before any update)."""
        if self.count == 0:
            return np.float64(np.nan)
        return np.float64(self.total / self.count)

    def reset(self) -> None:
        """Zero every state."""
        for name, default in self._state_defaults.items():
            setattr(self, name, default)

    @property
    def state(self) -> dict[str, Any]:
        """The states by name, as Python numbers."""
        return {name: getattr(self, name).item() for name in self._state_defaults}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"

    def extra_repr(self) -> str:
        """The constructor arguments, for ``repr``."""
        return ""
