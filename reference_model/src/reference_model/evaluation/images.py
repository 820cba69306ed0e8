"""Images as the evaluation scores and writes them: clamped to [0, 1], on 8-bit levels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

__all__ = ["as_displayed", "save_png", "to_uint8"]


def as_displayed(images: torch.Tensor, quantize: bool = True) -> torch.Tensor:
    """What a saved PNG holds: clamped to [0, 1] and (``quantize``) rounded to 8-bit levels.

    The generator's output is not clamped; the metrics score the image a user gets, so
    the SR (and the bicubic baseline) are clamped and, by default, rounded to multiples
    of 1/255 as ``upscale`` writes them.

    Args:
        images: :math:`(N, C, H, W)` floats (any range).
        quantize: round to 8-bit levels.

    Returns:
        Same shape, dtype and device, values in [0, 1].

    Example:
        >>> as_displayed(torch.tensor([[[[-0.2, 0.5, 0.7, 1.3]]]])).mul(255).tolist()
        [[[[0.0, 128.0, 178.0, 255.0]]]]
    """
    images = images.clamp(0.0, 1.0)
    if quantize:
        images = torch.round(images * 255.0) / 255.0
    return images


def to_uint8(image: torch.Tensor) -> np.ndarray:
    """One :math:`(C, H, W)` (or batch :math:`(N, C, H, W)`) float image in [0, 1] as uint8 HWC.

    Example:
        >>> to_uint8(torch.full((3, 2, 2), 0.5)).shape, to_uint8(torch.ones(1, 3, 2, 2))[0, 0, 0]
        ((2, 2, 3), array([255, 255, 255], dtype=uint8))
    """
    array = image.detach().to("cpu", torch.float64).clamp(0.0, 1.0)
    array = array.permute(1, 2, 0) if array.ndim == 3 else array.permute(0, 2, 3, 1)
    return np.round(array.numpy() * 255.0).astype(np.uint8)


def save_png(image: torch.Tensor | np.ndarray, path: str | Path) -> Path:
    """Write one image as an 8-bit RGB PNG (a :math:`(3, H, W)` float tensor or uint8 HWC).

    Example:
        >>> import tempfile
        >>> path = save_png(torch.zeros(3, 4, 4), Path(tempfile.mkdtemp()) / "x.png")
        >>> Image.open(path).size
        (4, 4)
    """
    array = to_uint8(image) if isinstance(image, torch.Tensor) else np.asarray(image, np.uint8)
    path = Path(path)
    Image.fromarray(array, "RGB" if array.ndim == 3 else "L").save(path)
    return path
