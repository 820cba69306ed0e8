"""The optional bicubic skip: the x8 bicubic upscaling of the LR input, added to the output.

A fixed linear map, written as one matrix per axis so that both backends compute exactly
the same thing (``U @ lr @ U.T`` per channel): the same kernel as
``torch.nn.functional.interpolate(mode="bicubic", align_corners=False)`` (Keys' cubic with
a = -0.75, half-pixel centres, edge pixels repeated), which is also the bicubic baseline
of :mod:`reference_model.evaluation`.
"""

from __future__ import annotations

import numpy as np

BICUBIC_A = -0.75
"""Keys' cubic-convolution parameter used by torch's bicubic interpolation."""


def _cubic(distance: np.ndarray, a: float = BICUBIC_A) -> np.ndarray:
    d = np.abs(distance)
    near = ((a + 2) * d - (a + 3)) * d * d + 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    return np.where(d <= 1, near, np.where(d < 2, far, 0.0))


def bicubic_upscale_matrix(size: int, scale: int) -> np.ndarray:
    r"""The ``(size * scale, size)`` matrix of bicubic upscaling along one axis.

    Output pixel ``i`` samples the input at ``(i + 0.5) / scale - 0.5`` with the four
    nearest input pixels weighted by Keys' cubic (a = -0.75); taps outside the image take
    the edge pixel. Rows sum to 1.

    Args:
        size: input length (16 for EIPNet).
        scale: integer factor (8).

    Returns:
        float64 array :math:`(size \cdot scale, size)`.

    Example:
        >>> m = bicubic_upscale_matrix(16, 8)
        >>> m.shape, bool(np.allclose(m.sum(axis=1), 1.0))
        ((128, 16), True)
    """
    if size < 1 or scale < 1:
        raise ValueError(f"size and scale must be positive, got {size} and {scale}")
    out = np.arange(size * scale)
    source = (out + 0.5) / scale - 0.5
    first = np.floor(source).astype(np.int64) - 1
    matrix = np.zeros((size * scale, size))
    for tap in range(4):
        index = first + tap
        weight = _cubic(source - index)
        np.add.at(matrix, (out, np.clip(index, 0, size - 1)), weight)
    return matrix
