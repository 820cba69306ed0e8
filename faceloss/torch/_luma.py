"""The channels a full-image metric is computed on: all of them, or the BT.601 luma."""

from __future__ import annotations

import torch

from faceloss.spec import LUMA_FROM_RGB


def metric_channels(image: torch.Tensor, y_channel: bool) -> torch.Tensor:
    """``image`` (N, C, H, W) unchanged, or with ``y_channel`` its luma (N, 1, H, W)."""
    if not y_channel:
        return image
    weights = torch.tensor(LUMA_FROM_RGB.tolist(), dtype=image.dtype, device=image.device)
    return torch.einsum("c,nchw->nhw", weights, image).unsqueeze(1)
