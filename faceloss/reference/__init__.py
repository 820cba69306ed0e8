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

from faceloss.reference.edge_block import avg_pool_same, edge_block
from faceloss.reference.edge_loss import edge_loss
from faceloss.reference.js_divergence import js_divergence
from faceloss.reference.js_identity import crop_resize, js_identity_loss
from faceloss.reference.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = [
    "avg_pool_same",
    "crop_resize",
    "edge_block",
    "edge_loss",
    "js_divergence",
    "js_identity_loss",
    "luminance_chrominance_loss",
    "rgb_to_yuv",
]
