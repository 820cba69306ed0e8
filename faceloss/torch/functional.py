"""Functional forms of every faceloss.torch operation, in the style of ``torch.nn.functional``.

>>> import torch
>>> import faceloss.torch.functional as FF
>>> FF.luminance_chrominance_loss(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))
tensor(0.)
"""

from faceloss.torch.canny import adaptive_thresholds, canny
from faceloss.torch.edge_targets import downscale_x2, edge_targets
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "adaptive_thresholds",
    "canny",
    "downscale_x2",
    "edge_targets",
    "js_divergence",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
