"""NumPy float64 reference implementations: the executable specification.

Every function here takes NumPy arrays, images as ``(N, H, W, C)`` floats, and
computes in float64. The torch and TensorFlow backends are tested against these
functions. They are written for clarity and exactness, not speed.

>>> import numpy as np
>>> from faceloss import reference
>>> yuv = reference.rgb_to_yuv(np.ones((1, 2, 2, 3)))  # white
>>> [round(float(value), 5) for value in yuv[0, 0, 0]]
[1.0, 1e-05, 0.0]
"""

from faceloss._face_region import FaceRegionResult
from faceloss.reference._metric import MeanMetric
from faceloss.reference.canny import adaptive_thresholds, canny
from faceloss.reference.edge_block import avg_pool_same, edge_block
from faceloss.reference.edge_loss import edge_loss
from faceloss.reference.edge_targets import downscale_x2, edge_targets
from faceloss.reference.face_region import FRPSNR, FRSSIM, fr_psnr, fr_ssim
from faceloss.reference.js_divergence import js_divergence
from faceloss.reference.js_identity import crop_resize, js_identity_loss
from faceloss.reference.psnr import PSNR, psnr
from faceloss.reference.ssim import SSIM, ssim
from faceloss.reference.tar import TAR, tar
from faceloss.reference.vif import VIF, vif
from faceloss.reference.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "FRPSNR",
    "FRSSIM",
    "PSNR",
    "SSIM",
    "TAR",
    "VIF",
    "FaceRegionResult",
    "MeanMetric",
    "adaptive_thresholds",
    "avg_pool_same",
    "canny",
    "crop_resize",
    "downscale_x2",
    "edge_block",
    "edge_loss",
    "edge_targets",
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
