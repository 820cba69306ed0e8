"""The accumulating-metric base for torch: a float64 sum and an int64 count as buffers.

Same state names, methods and extension point as :class:`faceloss.reference.MeanMetric`
and the Keras base :class:`faceloss.tf.MeanMetric`.
"""

from __future__ import annotations

import abc

import torch
from torch import nn


class MeanMetric(nn.Module, abc.ABC):
    """Mean of a per-image metric over every image passed to ``update``.

    The state is exact up to float64 rounding and independent of how the test set
    is split into batches: ``total`` (float64 sum of the per-image values, detached)
    and ``count`` (int64 number of images), both 0-d buffers (non-persistent: not in
    ``state_dict``). They follow the inputs' device on the first update, so a
    metric on the CPU accumulates CUDA values on the GPU without a sync per batch.
    :meth:`compute` returns ``total / count`` as a float64 tensor (NaN before any
    update); :meth:`forward` updates and returns the batch's mean.

    Extension point: a subclass implements :meth:`_per_image` (one value per
    image, shape ``(N,)``). To keep more counts (e.g. the face-region metrics'
    ``"evaluated"``/``"skipped"``), call :meth:`add_state` in ``__init__`` after
    ``super().__init__()``, override :meth:`update` to add to them (call
    :meth:`_follow` first so they sit on the inputs' device) and call
    :meth:`_accumulate` with the values that enter the mean; :meth:`reset` and
    :attr:`state` cover every added state. The same names exist in the NumPy and
    Keras bases.

    Example:
        >>> import torch
        >>> from faceloss.torch import PSNR
        >>> metric = PSNR()
        >>> metric.update(torch.full((2, 3, 8, 8), 0.5), torch.full((2, 3, 8, 8), 0.4))
        >>> round(float(metric.compute()), 4)
        20.0
        >>> sorted(metric.state), int(metric.count)
        (['count', 'total'], 2)
    """

    def __init__(self) -> None:
        super().__init__()
        self._state_names: list[str] = []
        self.add_state("total", torch.float64)
        self.add_state("count", torch.int64)

    def add_state(self, name: str, dtype: torch.dtype) -> None:
        """Add a 0-d state buffer ``name`` of ``dtype``, zero after :meth:`reset`."""
        self.register_buffer(name, torch.zeros((), dtype=dtype), persistent=False)
        self._state_names.append(name)

    @abc.abstractmethod
    def _per_image(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The metric of each image pair, shape ``(N,)``."""

    def _follow(self, device: torch.device) -> None:
        """Move every state to ``device`` (a no-op when it is there already)."""
        for name in self._state_names:
            state = getattr(self, name)
            if state.device != device:
                setattr(self, name, state.to(device))

    def _accumulate(self, values: torch.Tensor) -> None:
        self._follow(values.device)
        self.total += values.detach().sum(dtype=torch.float64)
        self.count += values.numel()

    def update(self, prediction: torch.Tensor, target: torch.Tensor) -> None:
        """Add a batch: ``prediction`` and ``target`` of shape ``(N, C, H, W)``."""
        self._accumulate(self._per_image(prediction, target))

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Add a batch and return its mean (differentiable, in the inputs' dtype)."""
        values = self._per_image(prediction, target)
        self._accumulate(values)
        return values.mean()

    def compute(self) -> torch.Tensor:
        """The mean of the per-image values seen so far: a 0-d float64 tensor (NaN if none)."""
        return self.total / self.count.to(torch.float64)

    def reset(self) -> None:
        """Zero every state."""
        for name in self._state_names:
            getattr(self, name).zero_()

    @property
    def state(self) -> dict[str, torch.Tensor]:
        """The state tensors by name."""
        return {name: getattr(self, name) for name in self._state_names}
