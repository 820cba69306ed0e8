"""Multi-scale Canny edge targets of the HR image (paper section 3.1, eq. 3) and the x2 downscale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from faceloss import _canny as rules
from faceloss.reference._checks import check_image, check_range
from faceloss.reference.canny import canny
from faceloss.spec import EDGE_TARGET_SCALES


def downscale_x2(image: np.ndarray) -> np.ndarray:
    r"""Halve height and width by bilinear interpolation: the mean of each 2x2 block.

    At exactly half size, bilinear interpolation with half-pixel centres and no
    antialiasing samples each output pixel half-way between four input pixels, so it
    is the 2x2 box mean. This is what ``torch.nn.functional.interpolate(x,
    scale_factor=0.5, mode="bilinear", align_corners=False)``,
    ``tf.image.resize(x, (h // 2, w // 2), "bilinear")`` and ``cv2.resize(x, None,
    fx=0.5, fy=0.5, interpolation=cv2.INTER_LINEAR)`` compute (up to float rounding).
    The four terms are added in the fixed order top-left, top-right, bottom-left,
    bottom-right, then scaled by 1/4, in every backend.

    .. math::
        y_{i,j} = \tfrac14 \left(x_{2i,2j} + x_{2i,2j+1} + x_{2i+1,2j} + x_{2i+1,2j+1}\right)

    Args:
        image: images :math:`(N, H, W, C)`, floats, any channel count; ``H`` and ``W``
            even.

    Returns:
        :math:`(N, H/2, W/2, C)`, same dtype.

    Raises:
        TypeError: ``image`` is not a floating-point array.
        ValueError: ``image`` is not a non-empty 4-D batch, or ``H`` or ``W`` is odd.

    Example:
        >>> import numpy as np
        >>> image = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> downscale_x2(image)[0, :, :, 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]])
    """
    image = check_image(image, "image", channels=None)
    rules.check_even_size("image", image.shape[1], image.shape[2])
    total = image[:, 0::2, 0::2] + image[:, 0::2, 1::2] + image[:, 1::2, 0::2]
    return (total + image[:, 1::2, 1::2]) * 0.25


def edge_targets(
    hr: np.ndarray, scales: Sequence[int] = EDGE_TARGET_SCALES, **canny_kwargs: Any
) -> list[np.ndarray]:
    """Canny edge maps of the HR image at several scales: the edge blocks' targets (eq. 3).

    The HR image is downscaled by repeated :func:`downscale_x2` (128 -> 64 -> 32) and
    :func:`~faceloss.reference.canny` runs on each level; with no thresholds in
    ``canny_kwargs`` each level gets its own adaptive per-image thresholds (eqs. 1-2).

    Args:
        hr: high-resolution RGB or grayscale images :math:`(N, H, W, C)`, ``C`` in {1, 3},
            floats in [0, 1]; ``H`` and ``W`` divisible by every scale.
        scales: downscale factors, powers of two; the paper's edge blocks work at
            1/4, 1/2 and 1 of the HR size (default ``(4, 2, 1)``,
            :data:`faceloss.spec.EDGE_TARGET_SCALES`).
        **canny_kwargs: passed to :func:`~faceloss.reference.canny` (``low``, ``high``,
            ``k``, ``low_ratio``, ``l2_gradient``).

    Returns:
        A list, ordered like ``scales``, of edge maps :math:`(N, H/s, W/s, 1)` of 0.0/1.0,
        float64.

    Raises:
        TypeError: ``hr`` is not a floating-point array; bad ``scales`` entries.
        ValueError: bad rank or channel count, values outside [0, 1] (value checks on), a
            scale that is not a power of two or does not divide ``H`` and ``W`` (or leaves
            less than 3 pixels), or a bad Canny argument.

    Example:
        >>> import numpy as np
        >>> hr = np.zeros((2, 128, 128, 3))
        >>> hr[:, :, 64:] = 1.0
        >>> [edges.shape for edges in edge_targets(hr, low=50, high=255)]
        [(2, 32, 32, 1), (2, 64, 64, 1), (2, 128, 128, 1)]
    """
    hr = check_image(hr, "hr", rules.CANNY_CHANNELS, rules.CANNY_MIN_SIZE)
    scales = rules.check_scales(scales, hr.shape[1], hr.shape[2])
    check_range(hr, "hr", 0.0, 1.0)
    levels = {1: hr}
    scale = 1
    while scale < max(scales):
        levels[2 * scale] = downscale_x2(levels[scale])
        scale *= 2
    return [canny(levels[s], **canny_kwargs) for s in scales]


__all__ = ["downscale_x2", "edge_targets"]
