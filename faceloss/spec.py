"""Constants shared by every backend: the single place where numbers live.

Each constant cites its source. Backends import them from here; nothing is
re-typed in a backend module.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["LN2", "REDUCTIONS", "YUV_FROM_RGB"]

YUV_FROM_RGB: np.ndarray = np.array(
    [
        [0.299, 0.587, 0.114],
        [-0.14713, -0.28886, 0.436],
        [0.615, -0.51499, -0.10001],
    ],
    dtype=np.float64,
)
YUV_FROM_RGB.setflags(write=False)
"""The analog BT.601 RGB -> YUV matrix of the paper's eq. 7 (rows Y, U, V; columns R, G, B).

``yuv = YUV_FROM_RGB @ rgb`` for an RGB column vector with values in [0, 1];
Y is then in [0, 1], U in [-0.436, 0.436], V in [-0.615, 0.615].

How the peers compare (measured with TensorFlow 2.21 and kornia 0.9):

* ``tf.image.rgb_to_yuv`` uses the same analog BT.601 transform with U and V
  written out to 8 digits from ``U = 0.492 (B - Y)``, ``V = 0.877 (R - Y)``
  (e.g. ``[-0.14714119, -0.28886916, 0.43601035]``): it agrees with eq. 7 to
  2.5e-5 per coefficient, not bit for bit.
* ``kornia.color.rgb_to_yuv`` rounds the U and V rows to three decimals
  (``[-0.147, -0.289, 0.436]``, ``[0.615, -0.515, -0.100]``): up to 1.4e-4 off
  eq. 7 per coefficient, so its U/V differ from ours by up to ~1.5e-4.
* All three share the luma row ``[0.299, 0.587, 0.114]`` (BT.601), which is
  also what ``cv2.COLOR_RGB2GRAY`` approximates in fixed point.

The array is read-only; copy it to modify.
"""

LN2: float = math.log(2.0)
"""Natural log of 2: the upper bound of the Jensen-Shannon divergence in nats."""

REDUCTIONS: tuple[str, ...] = ("mean", "sum", "none")
"""The ``reduction`` values the torch and NumPy losses accept."""


# --- Canny edge targets (paper section 3.1, eqs. 1-2) -------------------------------------------

CANNY_K: float = 1.6
"""Default ``k`` of the adaptive high threshold ``T_h = m + k * sigma`` (eq. 1).

The paper gives ``k in (1.2, 1.6)`` and says it set k to 1.6 for ``T_h``."""

CANNY_LOW_RATIO: float = 0.5
"""Default ratio ``T_l / T_h`` of the adaptive thresholds (eq. 2: ``T_l = T_h / 2``)."""

CANNY_OFFICIAL_THRESHOLDS: tuple[float, float] = (50.0, 255.0)
"""Fixed ``(low, high)`` thresholds of the official EIPNet code (``cv2.Canny(gray, 50, 255)``)."""

CANNY_PAPER_THRESHOLDS: tuple[float, float] = (100.0, 255.0)
"""Fixed ``(low, high)`` thresholds quoted in the paper's section 3.1 ("100 and 255")."""

GRAY_FROM_RGB_Q16: tuple[int, int, int] = (19596, 38470, 7470)
"""Fixed-point RGB -> gray weights of ``cv2.cvtColor(rgb_uint8, cv2.COLOR_RGB2GRAY)``.

``gray = (19596 R + 38470 G + 7470 B + 32768) >> 16`` on uint8 values, the rule of
opencv-python-headless 5.0 (weights sum to ``2**16``; BT.601 luma ``0.299, 0.587, 0.114``
rounded to 16 bits). OpenCV 4.x used ``(4899 R + 9617 G + 1868 B + 8192) >> 14``, which
differs by one gray level on ~0.3% of pixels. The tests check this rule against the
installed OpenCV."""

GRAY_SHIFT: int = 16
"""Number of fractional bits of :data:`GRAY_FROM_RGB_Q16`."""

CANNY_TG22_Q15: int = 13573
"""``round(tan(22.5 deg) * 2**15)``: the fixed-point tangent of OpenCV's Canny
non-maximum suppression (``modules/imgproc/src/canny.cpp``, ``TG22``)."""

CANNY_L2_THRESHOLD_CLAMP: float = 32767.0
"""With ``L2gradient=True`` OpenCV clamps each threshold to this value before squaring it."""
