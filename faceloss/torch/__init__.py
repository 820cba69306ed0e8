"""PyTorch implementations: functions and ``nn.Module`` classes on ``(N, C, H, W)`` tensors.

Every object here computes what its namesake in :mod:`faceloss.reference`
computes (tested with hypothesis), in the dtype and on the device of its inputs.

>>> import torch
>>> from faceloss.torch import LuminanceChrominanceLoss
>>> loss = LuminanceChrominanceLoss()
>>> loss(torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8))
tensor(0.)
"""

try:
    import torch as _torch  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "faceloss.torch needs PyTorch, which is not installed. Install the extra: "
        "pip install 'faceloss[torch]' (install the torch build you want first, e.g. a CPU-only "
        "build, or pip may pick a multi-GB CUDA wheel)"
    ) from error

from faceloss._face_region import FaceRegionResult
from faceloss.torch import functional
from faceloss.torch._metric import MeanMetric
from faceloss.torch.canny import Canny, adaptive_thresholds, canny
from faceloss.torch.dlib_face_resnet import DlibFaceResNet
from faceloss.torch.edge_block import EdgeBlock, avg_pool_same, edge_block
from faceloss.torch.edge_loss import EdgeLoss, edge_loss
from faceloss.torch.edge_targets import EdgeTargets, downscale_x2, edge_targets
from faceloss.torch.face_region import FRPSNR, FRSSIM, fr_psnr, fr_ssim
from faceloss.torch.inception_resnet_v1 import InceptionResnetV1, fixed_image_standardization
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.js_identity import JSIdentityLoss, crop_resize, js_identity_loss
from faceloss.torch.psnr import PSNR, psnr
from faceloss.torch.ssim import SSIM, ssim
from faceloss.torch.tar import TAR, tar
from faceloss.torch.vif import VIF, vif
from faceloss.torch.yuv import LuminanceChrominanceLoss, luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "FRPSNR",
    "FRSSIM",
    "PSNR",
    "SSIM",
    "TAR",
    "VIF",
    "Canny",
    "DlibFaceResNet",
    "EdgeBlock",
    "EdgeLoss",
    "EdgeTargets",
    "FaceRegionResult",
    "InceptionResnetV1",
    "JSIdentityLoss",
    "LuminanceChrominanceLoss",
    "MeanMetric",
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
    "functional",
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "psnr",
    "rgb_to_yuv",
    "ssim",
    "tar",
    "vif",
]
