"""RGB -> YUV conversion and the luminance-chrominance loss (paper section 3.3, eqs. 7-8)."""

from __future__ import annotations

import numpy as np

from faceloss.reference._checks import check_finite, check_image, check_same_shape
from faceloss.reference._reduce import reduce
from faceloss.spec import YUV_FROM_RGB


def rgb_to_yuv(image: np.ndarray) -> np.ndarray:
    r"""Convert RGB images to YUV with the analog BT.601 matrix of eq. 7.

    .. math::
        [Y, U, V]^T = M [R, G, B]^T, \quad M = \texttt{faceloss.spec.YUV\_FROM\_RGB}

    Args:
        image: RGB images, shape :math:`(N, H, W, 3)`, floats, usually in [0, 1].

    Returns:
        YUV images, shape :math:`(N, H, W, 3)`, float64; for RGB in [0, 1], Y is in [0, 1],
        U in [-0.436, 0.436] and V in [-0.615, 0.615].

    Raises:
        TypeError: ``image`` is not a floating-point array.
        ValueError: ``image`` is not a non-empty 4-D batch with 3 channels.

    Example:
        >>> import numpy as np
        >>> white = np.ones((1, 4, 4, 3))
        >>> rgb_to_yuv(white).shape
        (1, 4, 4, 3)
        >>> float(rgb_to_yuv(white)[0, 0, 0, 0])
        1.0
    """
    image = check_image(image, "image")
    return np.einsum("nhwc,yc->nhwy", image.astype(np.float64), YUV_FROM_RGB)


def luminance_chrominance_loss(
    prediction: np.ndarray, target: np.ndarray, reduction: str = "mean"
) -> np.ndarray:
    r"""Luminance-chrominance error: squared error between the YUV images (eq. 8).

    .. math::
        L_{lc} = \frac{1}{3 N H W} \sum_{n, c \in \{Y,U,V\}, x, y}
                 \left(M(\hat I)_{n,c,x,y} - M(I)_{n,c,x,y}\right)^2

    With ``reduction="mean"`` this is the mean over the batch, the pixels *and* the
    three YUV channels. Eq. 8 as printed divides by :math:`wh` only, i.e. it is 3x
    this value per image; the factor is a constant rescaling of the loss weight.

    Args:
        prediction: predicted RGB images :math:`(N, H, W, 3)`, floats (usually [0, 1]).
        target: ground-truth RGB images, same shape as ``prediction``.
        reduction: ``"mean"`` (scalar mean over all N*H*W*3 squared YUV differences),
            ``"sum"`` (scalar sum of them) or ``"none"`` (the squared differences
            themselves, shape :math:`(N, H, W, 3)` in Y, U, V order).

    Returns:
        A float64 array of shape ``()`` for "mean"/"sum", :math:`(N, H, W, 3)` for "none".

    Raises:
        TypeError: an input is not a floating-point array.
        ValueError: bad rank, channel count, empty batch, shape mismatch, an unknown
            ``reduction``, or NaN/Inf in an input (while value checks are on; with them
            off, NaN propagates to the result).

    Example:
        >>> import numpy as np
        >>> target = np.zeros((2, 8, 8, 3))
        >>> prediction = target + np.array([0.1, 0.0, 0.0])  # red shifted by 0.1
        >>> round(float(luminance_chrominance_loss(prediction, target)), 6)
        0.001631
    """
    prediction = check_image(prediction, "prediction")
    target = check_image(target, "target")
    check_same_shape(prediction, "prediction", target, "target")
    check_finite(prediction, "prediction")
    check_finite(target, "target")
    difference = rgb_to_yuv(prediction) - rgb_to_yuv(target)
    return reduce(difference**2, reduction)
