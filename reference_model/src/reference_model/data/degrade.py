"""The low-resolution input: 8x downscaling of the HR face."""

from __future__ import annotations

from typing import Literal

import numpy as np
from PIL import Image

from faceloss.reference import downscale_x2

__all__ = ["Degradation", "degrade"]

Degradation = Literal["progressive-bilinear", "bicubic"]


def degrade(
    hr: np.ndarray, method: Degradation = "progressive-bilinear", factor: int = 8
) -> np.ndarray:
    """Downscale HR faces by ``factor`` (8: 128x128 -> 16x16) to make the LR input.

    * ``"progressive-bilinear"`` (the paper, section 4.2, and the official code's three
      ``cv2.resize(..., INTER_LINEAR)`` halvings): repeated x2 bilinear downscaling,
      128 -> 64 -> 32 -> 16, each step the 2x2 box mean
      (:func:`faceloss.reference.downscale_x2`); the result is the 8x8 box mean.
    * ``"bicubic"``: one antialiased bicubic resize (PIL's ``BICUBIC`` filter, a = -0.5,
      widened by the scale factor as MATLAB's ``imresize`` does), clipped to [0, 1]; the
      usual degradation of other face SR papers.

    The LR image is not quantised to 8 bits.

    Args:
        hr: :math:`(H, W, C)` or :math:`(N, H, W, C)` floats in [0, 1]; ``H`` and ``W``
            divisible by ``factor``.
        method: ``"progressive-bilinear"`` or ``"bicubic"``.
        factor: a power of two >= 2 for ``"progressive-bilinear"``, any integer >= 2 for
            ``"bicubic"``.

    Returns:
        :math:`(H/f, W/f, C)` (or with the batch axis), ``hr``'s dtype.

    Raises:
        TypeError: ``hr`` is not a floating-point NumPy array.
        ValueError: bad rank, sizes not divisible by ``factor``, a bad ``factor`` or
            ``method``.

    Example:
        >>> import numpy as np
        >>> hr = np.zeros((128, 128, 3), np.float32)
        >>> hr[:, 64:] = 1.0
        >>> lr = degrade(hr)
        >>> lr.shape, lr.dtype, lr[0, 7:9, 0].tolist()
        ((16, 16, 3), dtype('float32'), [0.0, 1.0])
        >>> degrade(hr, "bicubic").shape
        (16, 16, 3)
    """
    if not isinstance(hr, np.ndarray) or not np.issubdtype(hr.dtype, np.floating):
        raise TypeError(
            f"hr must be a floating-point NumPy array, got {type(hr).__name__} "
            f"{getattr(hr, 'dtype', '')}"
        )
    if hr.ndim not in (3, 4):
        raise ValueError(f"hr must be (H, W, C) or (N, H, W, C), got shape {hr.shape}")
    if not isinstance(factor, int) or factor < 2:
        raise ValueError(f"factor must be an integer >= 2, got {factor!r}")
    height, width = hr.shape[-3:-1]
    if height % factor or width % factor:
        raise ValueError(f"hr's height and width {height}x{width} must be divisible by {factor}")
    batch = hr if hr.ndim == 4 else hr[None]
    if method == "progressive-bilinear":
        if factor & (factor - 1):
            raise ValueError(f"progressive-bilinear needs a power-of-two factor, got {factor}")
        out = batch
        while out.shape[1] > height // factor:
            out = downscale_x2(out)
    elif method == "bicubic":
        size = (width // factor, height // factor)
        out = np.empty((batch.shape[0], size[1], size[0], batch.shape[3]), hr.dtype)
        for n in range(batch.shape[0]):
            for c in range(batch.shape[3]):
                plane = Image.fromarray(np.ascontiguousarray(batch[n, :, :, c], np.float32))
                small = plane.resize(size, Image.Resampling.BICUBIC)
                out[n, :, :, c] = np.clip(np.asarray(small), 0.0, 1.0)
    else:
        raise ValueError(f"method must be 'progressive-bilinear' or 'bicubic', got {method!r}")
    return out if hr.ndim == 4 else out[0]
