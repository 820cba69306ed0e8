"""The channels a full-image metric is computed on: all of them, or the BT.601 luma."""

from __future__ import annotations

import numpy as np

from faceloss.spec import LUMA_FROM_RGB


def metric_channels(image: np.ndarray, y_channel: bool) -> np.ndarray:
    """``image`` (N, H, W, C) as float64; with ``y_channel`` its luma (N, H, W, 1)."""
    image = image.astype(np.float64)
    if y_channel:
        return (image @ LUMA_FROM_RGB)[..., None]
    return image
