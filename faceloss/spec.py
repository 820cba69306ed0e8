"""Constants shared by every backend: the single place where numbers live.

Each constant cites its source. Backends import them from here; nothing is
re-typed in a backend module.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "LN2",
    "LUMA_FROM_RGB",
    "METRIC_CHANNELS",
    "REDUCTIONS",
    "SSIM_K1",
    "SSIM_K2",
    "SSIM_PADDINGS",
    "SSIM_SIGMA",
    "SSIM_WINDOW_SIZE",
    "VIF_EPS",
    "VIF_MIN_SIZE",
    "VIF_SCALES",
    "VIF_SIGMA_N_SQ",
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


# ---------------------------------------------------------------------------
# Full-image metrics: PSNR, SSIM, VIF (paper section 4.3)
# ---------------------------------------------------------------------------

METRIC_CHANNELS: tuple[int, ...] = (1, 3)
"""Channel counts the full-image metrics accept: grayscale (1) or RGB (3).

Prediction and target must have the same count (a grayscale/RGB mix is an error,
never a silent broadcast). ``y_channel=True`` needs RGB.
"""

LUMA_FROM_RGB: np.ndarray = YUV_FROM_RGB[0].copy()
"""BT.601 luma weights ``[0.299, 0.587, 0.114]`` (row Y of eq. 7) used by ``y_channel=True``.

The same weights as piq's ``vif_p`` luminance, ``cv2.COLOR_RGB2GRAY`` and the Y of
``tf.image.rgb_to_yuv``. No offset and no 16..235 rescaling (unlike MATLAB's
``rgb2ycbcr``): Y stays in ``[0, data_range]``.
"""
LUMA_FROM_RGB.setflags(write=False)

SSIM_WINDOW_SIZE: int = 11
"""SSIM Gaussian window side, 11 (Wang et al. 2004; paper section 4.3; skimage ``win_size``
with ``gaussian_weights=True``: ``2 * int(3.5 * sigma + 0.5) + 1 = 11``)."""

SSIM_SIGMA: float = 1.5
"""SSIM Gaussian window standard deviation in pixels (Wang et al. 2004; paper section 4.3)."""

SSIM_K1: float = 0.01
"""SSIM luminance stabiliser: ``C1 = (K1 * data_range) ** 2`` (Wang et al. 2004)."""

SSIM_K2: float = 0.03
"""SSIM contrast/structure stabiliser: ``C2 = (K2 * data_range) ** 2`` (Wang et al. 2004)."""

SSIM_PADDINGS: tuple[str, ...] = ("valid", "same")
"""SSIM border handling; ``"valid"`` (default) is skimage's and ``tf.image.ssim``'s.

* ``"valid"``: the SSIM map exists only where the 11x11 window fits inside the
  image ((H - 10) x (W - 10) values); its mean is the SSIM. Equals skimage
  ``structural_similarity(gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False)``, ``tf.image.ssim``, piq ``ssim(downsample=False)``,
  pytorch_msssim and kornia ``ssim(padding="valid")``.
* ``"same"``: the image is reflect-padded by 5 pixels (``d c b | a b c d``, NumPy/torch/TF
  ``"reflect"``) and the H x W map is averaged. Equals kornia's default
  ``ssim(padding="same")`` and torchmetrics' ``structural_similarity_index_measure``;
  1e-3 to 3e-2 from "valid" at 128 px (2.8e-2 on x8 bicubic-upsampled faces),
  more on smaller images.
"""

VIF_SIGMA_N_SQ: float = 2.0
"""VIF visual-noise variance, on the 0..255 pixel scale (Sheikh & Bovik 2006, MATLAB
``vifvec``/``vifp_mscale``; piq ``vif_p`` default). Inputs are rescaled to 0..255
first, so VIF does not depend on ``data_range``."""

VIF_EPS: float = 1e-8
"""VIF numerical floor for variances and the final ratio (piq ``vif_p``'s ``EPS``;
MATLAB's ``vifp_mscale`` uses 1e-10 and no floor in the ratio)."""

VIF_SCALES: int = 4
"""Number of VIF scales; scale s uses a Gaussian window of side ``2 ** (4 - s) + 1``
(17, 9, 5, 3) with sigma ``side / 5`` (MATLAB ``vifp_mscale``, piq ``vif_p``)."""

VIF_MIN_SIZE: int = 41
"""Smallest image side for four-scale VIF: the last scale's 3x3 window must fit (piq's limit)."""
