"""Separable Gaussian filtering of image stacks, the core of SSIM and VIF."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def window_like(window: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    """A 1-D NumPy window as a tensor with ``like``'s dtype and device."""
    return torch.as_tensor(window, dtype=like.dtype, device=like.device)


def filter_valid(images: torch.Tensor, window: torch.Tensor) -> torch.Tensor:
    """Correlate every channel of (N, K, H, W) with ``window`` over W then H, valid part.

    Two grouped 1-D convolutions (``2 * size`` taps per pixel instead of ``size**2``),
    all K channels in one call.
    """
    channels, size = images.shape[1], window.numel()
    rows = window.view(1, 1, 1, size).expand(channels, 1, 1, size)
    columns = window.view(1, 1, size, 1).expand(channels, 1, size, 1)
    images = F.conv2d(images, rows, groups=channels)
    return F.conv2d(images, columns, groups=channels)
