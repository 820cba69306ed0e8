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


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

EDGE_POOL_SIZES: tuple[int, ...] = (5, 7, 10)
"""Average-pooling kernel sizes s of the three edge blocks, at the x2, x4 and x8 stages
(paper section 3.1: "We set the kernel size to be (5, 7, 10)"; Table 1's edge blocks 1-3)."""

EDGE_BLOCK_RELU: bool = False
"""Default of ``EdgeBlock(relu=...)``: the paper (Fig. 3) subtracts without an activation;
the authors' official code applies a ReLU to the difference ``F - avgpool(F)``."""

__all__ += ["EDGE_BLOCK_RELU", "EDGE_POOL_SIZES"]
