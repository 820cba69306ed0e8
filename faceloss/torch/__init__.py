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
        "pip install 'faceloss[torch]' (for a CPU-only machine install torch from the CPU "
        "wheel index first, e.g. pip install torch --index-url https://download.pytorch.org/whl/cpu)"
    ) from error

from faceloss.torch import functional
from faceloss.torch.dlib_face_resnet import DlibFaceResNet
from faceloss.torch.edge_block import EdgeBlock, avg_pool_same, edge_block
from faceloss.torch.edge_loss import EdgeLoss, edge_loss
from faceloss.torch.inception_resnet_v1 import InceptionResnetV1, fixed_image_standardization
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.js_identity import JSIdentityLoss, crop_resize, js_identity_loss
from faceloss.torch.yuv import LuminanceChrominanceLoss, luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "DlibFaceResNet",
    "EdgeBlock",
    "EdgeLoss",
    "InceptionResnetV1",
    "JSIdentityLoss",
    "LuminanceChrominanceLoss",
    "avg_pool_same",
    "crop_resize",
    "edge_block",
    "edge_loss",
    "fixed_image_standardization",
    "functional",
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
