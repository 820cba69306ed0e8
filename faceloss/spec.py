"""Constants shared by every backend: the single place where numbers live.

Each constant cites its source. Backends import them from here; nothing is
re-typed in a backend module.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DLIB_HOG_ADJUST_THRESHOLD",
    "DLIB_HOG_UPSAMPLE",
    "LBP_MIN_NEIGHBOR_NUMBER",
    "LBP_MIN_SIZE",
    "LBP_SCALE_FACTOR",
    "LBP_STEP_RATIO",
    "LN2",
    "REDUCTIONS",
    "TAR_DISTANCES",
    "YUV_FROM_RGB",
]

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


# --- Face detectors and face-region metrics (faceloss.detect, FR-PSNR/FR-SSIM, TAR) ---

DLIB_HOG_UPSAMPLE: int = 1
"""Upsampling steps of :class:`faceloss.detect.DlibHOGDetector`: ``face_recognition``'s
default (``face_locations(..., number_of_times_to_upsample=1)``), the paper's detector [22]."""

DLIB_HOG_ADJUST_THRESHOLD: float = 0.0
"""dlib's ``adjust_threshold`` for the HOG detector: 0, dlib's and ``face_recognition``'s."""

LBP_SCALE_FACTOR: float = 1.1
"""Window growth per scale of :class:`faceloss.detect.SkimageLBPDetector` (tuned on the aligned
faces of ``shared/data``, ``benchmarks/detectors.py``)."""

LBP_STEP_RATIO: float = 1.0
"""Search step ratio of the LBP detector (1: exhaustive; scikit-image's example uses 1)."""

LBP_MIN_SIZE: int = 32
"""Smallest window side of the LBP detector in pixels (tuned, see ``LBP_SCALE_FACTOR``)."""

LBP_MIN_NEIGHBOR_NUMBER: int = 1
"""Raw detections needed to keep a face in the LBP detector (tuned, see ``LBP_SCALE_FACTOR``)."""

TAR_DISTANCES: tuple[str, ...] = ("euclidean", "squared_l2")
"""Distances of the TAR metric (eq. 12): Euclidean for the face recognition algorithm
(``face_recognition``, thresholds 0.5/0.6 in Table 7), squared L2 for the network
(FaceNet, thresholds 0.02/0.04)."""
