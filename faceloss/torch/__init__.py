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
from faceloss.torch.canny import Canny, adaptive_thresholds, canny
from faceloss.torch.edge_targets import EdgeTargets, downscale_x2, edge_targets
from faceloss.torch.js_divergence import js_divergence
from faceloss.torch.yuv import LuminanceChrominanceLoss, luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "Canny",
    "EdgeTargets",
    "LuminanceChrominanceLoss",
    "adaptive_thresholds",
    "canny",
    "downscale_x2",
    "edge_targets",
    "functional",
    "js_divergence",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
