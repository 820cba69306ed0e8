"""NumPy float64 reference implementations: the executable specification.

Every function here takes NumPy arrays, images as ``(N, H, W, C)`` floats, and
computes in float64. The torch and TensorFlow backends are tested against these
functions. They are written for clarity and exactness, not speed.

>>> import numpy as np
>>> from faceloss import reference
>>> reference.rgb_to_yuv(np.ones((1, 2, 2, 3)))[0, 0, 0].round(6)
array([ 1.e+00,  1.e-05, -0.e+00])
"""

from faceloss.reference.js_divergence import js_divergence
from faceloss.reference.yuv import luminance_chrominance_loss, rgb_to_yuv

__all__ = ["js_divergence", "luminance_chrominance_loss", "rgb_to_yuv"]
