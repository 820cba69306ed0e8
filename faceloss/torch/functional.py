"""Functional forms of every faceloss.torch operation, in the style of ``torch.nn.functional``.

>>> import torch
>>> import faceloss.torch.functional as FF
>>> FF.luminance_chrominance_loss(torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4))
tensor(0.)
"""

from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.psnr import psnr
from faceloss.torch.ssim import ssim
from faceloss.torch.vif import vif
from faceloss.torch.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = ["js_divergence", "luminance_chrominance_loss", "psnr", "rgb_to_yuv", "ssim", "vif"]
