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

from faceloss.reference.canny import adaptive_thresholds, canny
from faceloss.reference.edge_targets import downscale_x2, edge_targets
from faceloss.reference.js_divergence import js_divergence
from faceloss.reference.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "adaptive_thresholds",
    "canny",
    "downscale_x2",
    "edge_targets",
    "js_divergence",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
