"""TensorFlow/Keras 3 implementations: functions and Keras objects on ``(N, H, W, C)`` tensors.

Every object here computes what its namesake in :mod:`faceloss.reference`
computes (tested with hypothesis). Keras classes are registered serializable
under the package name ``"faceloss"``, so saved models reload with them.

>>> import tensorflow as tf
>>> from faceloss.tf import LuminanceChrominanceLoss
>>> loss = LuminanceChrominanceLoss()
>>> float(loss(tf.zeros((1, 8, 8, 3)), tf.zeros((1, 8, 8, 3))))
0.0
"""

try:
    import tensorflow as _tf  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "faceloss.tf needs TensorFlow, which is not installed. Install one of the extras: "
        "pip install 'faceloss[tf-cpu]' (CPU-only) or pip install 'faceloss[tf]'"
    ) from error

import keras as _keras

if int(_keras.__version__.split(".")[0]) < 3:  # pragma: no cover - depends on the install
    raise ImportError(
        f"faceloss.tf needs Keras 3 (keras>=3.0), found keras {_keras.__version__}: "
        "pip install 'keras>=3'"
    )
if _keras.backend.backend() != "tensorflow":  # pragma: no cover - depends on KERAS_BACKEND
    raise ImportError(
        f"faceloss.tf needs the TensorFlow Keras backend, but KERAS_BACKEND is "
        f"{_keras.backend.backend()!r}; use faceloss.torch for PyTorch"
    )

from faceloss._face_region import FaceRegionResult
from faceloss.tf._metric import MeanMetric
from faceloss.tf.canny import Canny, adaptive_thresholds, canny
from faceloss.tf.dlib_face_resnet import DlibFaceResNet
from faceloss.tf.edge_block import EdgeBlock, avg_pool_same, edge_block
from faceloss.tf.edge_loss import EdgeLoss, edge_loss
from faceloss.tf.edge_targets import EdgeTargets, downscale_x2, edge_targets
from faceloss.tf.face_region import FRPSNR, FRSSIM, fr_psnr, fr_ssim
from faceloss.tf.inception_resnet_v1 import InceptionResnetV1, fixed_image_standardization
from faceloss.tf.js_divergence import js_divergence
from faceloss.tf.js_identity import JSIdentityLoss, crop_resize, js_identity_loss
from faceloss.tf.psnr import PSNR, psnr
from faceloss.tf.ssim import SSIM, ssim
from faceloss.tf.tar import TAR, tar
from faceloss.tf.vif import VIF, vif
from faceloss.tf.yuv import LuminanceChrominanceLoss, luminance_chrominance_loss, rgb_to_yuv

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
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "psnr",
    "rgb_to_yuv",
    "ssim",
    "tar",
    "vif",
]
