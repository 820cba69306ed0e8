"""Functional forms of every faceloss.torch operation, in the style of ``torch.nn.functional``.

>>> import torch
>>> import faceloss.torch.functional as FF
>>> FF.luminance_chrominance_loss(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))
tensor(0.)
"""

from faceloss.torch.edge_block import avg_pool_same, edge_block
from faceloss.torch.edge_loss import edge_loss
from faceloss.torch.inception_resnet_v1 import fixed_image_standardization
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.js_identity import crop_resize, js_identity_loss
from faceloss.torch.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "avg_pool_same",
    "crop_resize",
    "edge_block",
    "edge_loss",
    "fixed_image_standardization",
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
