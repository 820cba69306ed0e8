"""Backend-free argument rules of the JS identity loss (torch and TF share them)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from faceloss._resize import resize_weights
from faceloss._validation import check_choice
from faceloss.spec import CELEBA_DLIB_FACE_BOX, JS_IDENTITY_EMBEDDINGS

Box = tuple[float, float, float, float]
CROPS = ("celeba",)


def check_temperature(temperature: object) -> float:
    """Return ``temperature`` as a float; raise unless it is a finite number > 0."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a float, got {type(temperature).__name__}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be finite and > 0, got {temperature!r}")
    return float(temperature)


def check_embedding(embedding: object) -> str:
    """Raise unless ``embedding`` is ``"raw"`` or ``"normalized"``."""
    check_choice("embedding", embedding, JS_IDENTITY_EMBEDDINGS)
    return str(embedding)


def check_network_output(shape: tuple[int | None, ...], batch: int | None) -> None:
    """Raise ValueError unless the identity network returned ``(N, D)`` embeddings for a batch
    of ``N`` images (``None``: unknown while tracing, not checked).

    Example:
        >>> check_network_output((2, 128), 2)
        >>> check_network_output((2, 128, 1, 1), 2)
        Traceback (most recent call last):
        ...
        ValueError: network must map N images to (N, D) embeddings, got shape (2, 128, 1, 1) for N = 2; flatten or pool its output
    """
    known_batch = batch is None or shape[:1] in ((batch,), (None,))
    if len(shape) != 2 or not known_batch or shape[1] == 0:
        raise ValueError(
            f"network must map N images to (N, D) embeddings, got shape {tuple(shape)} for "
            f"N = {batch}; flatten or pool its output"
        )


def resolve_crop(crop: object) -> Box | None:
    """``"celeba"`` -> :data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`; ``None`` -> whole image; or
    a ``(top, left, height, width)`` box of fractions inside ``[0, 1]``."""
    if crop is None:
        return None
    if isinstance(crop, str):
        check_choice("crop", crop, (*CROPS, None))
        return CELEBA_DLIB_FACE_BOX
    if (
        not isinstance(crop, Sequence)
        or len(crop) != 4
        or not all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in crop)
    ):
        raise TypeError(
            f"crop must be 'celeba', None or (top, left, height, width) of numbers, got {crop!r}"
        )
    top, left, height, width = (float(c) for c in crop)
    if not (
        0 <= top < 1 and 0 <= left < 1 and 0 < height and 0 < width
        and top + height <= 1 and left + width <= 1
    ):  # fmt: skip
        raise ValueError(
            "crop must be a (top, left, height, width) box of fractions inside the image "
            f"([0, 1], top + height <= 1, left + width <= 1), got {crop!r}"
        )
    return top, left, height, width


def resolve_input_size(network: object, input_size: object) -> tuple[int, int]:
    """The network's input ``(height, width)``: ``input_size`` if given, else ``network.input_size``."""
    size = getattr(network, "input_size", None) if input_size is None else input_size
    if size is None:
        raise ValueError(
            f"{type(network).__name__} has no input_size attribute: pass input_size=(height, "
            "width), the face size the network takes (e.g. 160 for FaceNet)"
        )
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if (
        not isinstance(size, Sequence)
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in size)
    ):
        raise ValueError(f"input_size must be an int or (height, width) of ints >= 1, got {size!r}")
    return int(size[0]), int(size[1])


def crop_resize_weights(
    in_hw: tuple[int, int], out_hw: tuple[int, int], box: Box | None
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column resampling matrices ``(out_h, in_h)``, ``(out_w, in_w)`` for a crop + resize."""
    (in_h, in_w), (out_h, out_w) = in_hw, out_hw
    if box is None:
        return resize_weights(in_h, out_h), resize_weights(in_w, out_w)
    top, left, height, width = box
    return (
        resize_weights(in_h, out_h, top * in_h, height * in_h),
        resize_weights(in_w, out_w, left * in_w, width * in_w),
    )
