"""The bicubic baseline: the LR input upscaled x8 with a bicubic kernel."""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["bicubic_upscale"]


def bicubic_upscale(lr: torch.Tensor, scale: int = 8) -> torch.Tensor:
    r"""Upscale a batch with ``F.interpolate(mode="bicubic", align_corners=False)``, clamped.

    The baseline of the paper's tables ("Bicubic"), on exactly the LR inputs the model
    sees. The kernel is torch's (Keys' cubic, a = -0.75, as OpenCV's ``INTER_CUBIC``;
    MATLAB's and PIL's ``imresize`` use a = -0.5, about 0.1 dB apart on 16 -> 128 faces);
    pixel centres are aligned (``align_corners=False``); the result is clamped to [0, 1]
    (cubic kernels overshoot at edges).

    Args:
        lr: :math:`(N, C, h, w)` float images in [0, 1].
        scale: the integer upscaling factor (8 for EIPNet: 16 -> 128).

    Returns:
        :math:`(N, C, h \cdot scale, w \cdot scale)` in [0, 1], ``lr``'s dtype and device.

    Raises:
        ValueError: ``lr`` is not a 4-D floating-point tensor, or ``scale < 1``.

    Example:
        >>> up = bicubic_upscale(torch.full((1, 3, 16, 16), 0.25))
        >>> tuple(up.shape), float(up.min()), float(up.max())
        ((1, 3, 128, 128), 0.25, 0.25)
    """
    if not isinstance(lr, torch.Tensor) or lr.ndim != 4 or not lr.is_floating_point():
        what = f"shape {tuple(lr.shape)}, {lr.dtype}" if isinstance(lr, torch.Tensor) else type(lr)
        raise ValueError(f"lr must be a 4-D float tensor (N, C, h, w), got {what}")
    if int(scale) < 1:
        raise ValueError(f"scale must be an integer >= 1, got {scale!r}")
    size = (lr.shape[2] * int(scale), lr.shape[3] * int(scale))
    return F.interpolate(lr, size=size, mode="bicubic", align_corners=False).clamp(0.0, 1.0)
