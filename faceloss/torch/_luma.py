"""The channels a full-image metric is computed on: all of them, or the BT.601 luma."""

from __future__ import annotations

import torch

from faceloss.spec import LUMA_FROM_RGB
from faceloss.torch._constant import constant

_LUMA_FROM_RGB = tuple(LUMA_FROM_RGB.tolist())


def metric_channels(image: torch.Tensor, y_channel: bool) -> torch.Tensor:
    """``image`` (N, C, H, W) unchanged, or with ``y_channel`` its luma (N, 1, H, W)."""
    if not y_channel:
        return image
    return torch.einsum("c,nchw->nhw", constant(_LUMA_FROM_RGB, image), image).unsqueeze(1)
