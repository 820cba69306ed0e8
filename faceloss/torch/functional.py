"""Functional forms of every faceloss.torch operation, in the style of ``torch.nn.functional``.

>>> import torch
>>> import faceloss.torch.functional as FF
>>> FF.luminance_chrominance_loss(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))
tensor(0.)
"""

from faceloss.torch.face_region import fr_psnr, fr_ssim
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.psnr import psnr
from faceloss.torch.ssim import ssim
from faceloss.torch.tar import tar
from faceloss.torch.vif import vif
from faceloss.torch.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "fr_psnr",
    "fr_ssim",
    "js_divergence",
    "luminance_chrominance_loss",
    "psnr",
    "rgb_to_yuv",
    "ssim",
    "tar",
    "vif",
]
