"""Separable Gaussian filtering of image stacks, the core of SSIM and VIF."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from faceloss.torch._constant import constant


def window_like(window: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    """A 1-D NumPy window as a tensor with ``like``'s dtype and device (made once per pair)."""
    return constant(tuple(window.tolist()), like)


def filter_valid(images: torch.Tensor, window: torch.Tensor) -> torch.Tensor:
    """Correlate every channel of (N, K, H, W) with ``window`` over W then H, valid part.

    Two grouped 1-D convolutions (``2 * size`` taps per pixel instead of ``size**2``),
    all K channels in one call. Channels-last memory lets the CPU use its fast
    depthwise-convolution kernels (about 1.4x faster here than NCHW).
    """
    channels, size = images.shape[1], window.numel()
    rows = window.view(1, 1, 1, size).repeat(channels, 1, 1, 1)
    columns = window.view(1, 1, size, 1).repeat(channels, 1, 1, 1)
    images = images.contiguous(memory_format=torch.channels_last)
    images = F.conv2d(images, rows, groups=channels)
    return F.conv2d(images, columns, groups=channels)
