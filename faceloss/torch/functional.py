"""Functional forms of every faceloss.torch operation, in the style of ``torch.nn.functional``.

>>> import torch
>>> import faceloss.torch.functional as FF
>>> FF.luminance_chrominance_loss(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))
tensor(0.)
"""

from faceloss.torch.canny import adaptive_thresholds, canny
from faceloss.torch.edge_block import avg_pool_same, edge_block
from faceloss.torch.edge_loss import edge_loss
from faceloss.torch.edge_targets import downscale_x2, edge_targets
from faceloss.torch.face_region import fr_psnr, fr_ssim
from faceloss.torch.inception_resnet_v1 import fixed_image_standardization
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.js_identity import crop_resize, js_identity_loss
from faceloss.torch.psnr import psnr
from faceloss.torch.ssim import ssim
from faceloss.torch.tar import tar
from faceloss.torch.vif import vif
from faceloss.torch.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "adaptive_thresholds",
    "avg_pool_same",
    "canny",
    "crop_resize",
    "downscale_x2",
    "edge_block",
    "edge_loss",
    "edge_targets",
    "fixed_image_standardization",
    "fr_psnr",
    "fr_ssim",
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "psnr",
    "rgb_to_yuv",
    "ssim",
    "tar",
    "vif",
]
