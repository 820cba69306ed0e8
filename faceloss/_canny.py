"""Backend-free rules of the Canny edge detector: argument checks and their messages.

Every backend's ``canny.py`` calls these, so a rule and its error text exist once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

CANNY_CHANNELS = (1, 3)
"""Channel counts ``canny`` accepts: grayscale or RGB."""

CANNY_MIN_SIZE = 3
"""Smallest height and width ``canny`` accepts (the 3x3 Sobel aperture)."""

SMALLEST_NORMAL = 2.2250738585072014e-308
"""The smallest normal float64. TensorFlow flushes subnormal numbers to zero, so the
adaptive-threshold coefficients must be 0 or at least this, and every backend sets an
adaptive threshold below it to 0."""


def _check_real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_canny_options(k: object, low_ratio: object, l2_gradient: object) -> None:
    """Check the adaptive-threshold coefficients and the gradient flag.

    ``k`` must be a finite real ``>= 0`` (eq. 1), ``low_ratio`` a real in ``[0, 1]``
    (eq. 2; above 1 the low threshold would exceed the high one), ``l2_gradient`` a bool.
    Neither may be subnormal (between 0 and 2.2e-308): TensorFlow flushes those to 0.
    """
    if _check_real("k", k) < 0:
        raise ValueError(f"k must be >= 0 (T_h = m + k * sigma), got {k}")
    _check_not_subnormal("k", float(k))
    ratio = _check_real("low_ratio", low_ratio)
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"low_ratio must be in [0, 1] (T_l = low_ratio * T_h), got {low_ratio}")
    _check_not_subnormal("low_ratio", ratio)
    if not isinstance(l2_gradient, bool):
        raise TypeError(f"l2_gradient must be a bool, got {type(l2_gradient).__name__}")


def _check_not_subnormal(name: str, value: float) -> None:
    if 0.0 < value < SMALLEST_NORMAL:
        raise ValueError(
            f"{name} must be 0 or at least {SMALLEST_NORMAL!r} (the smallest normal float64; "
            f"TensorFlow flushes smaller numbers to 0), got {value!r}: use 0"
        )


def check_threshold_presence(low: object, high: object) -> bool:
    """Return True if explicit thresholds are given; raise if only one of them is."""
    if (low is None) != (high is None):
        given, missing = ("low", "high") if high is None else ("high", "low")
        raise ValueError(
            f"give both thresholds or neither (adaptive): {given} is set but {missing} is None"
        )
    return low is not None


def check_scalar_threshold(name: str, value: object) -> float:
    """Check one Python-number threshold (finite, ``>= 0``) and return it as a float."""
    value = _check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value:g}")
    return value


def check_fixed_thresholds(low: object, high: object) -> tuple[float | None, float | None]:
    """Check a module's Python-number thresholds: both or neither, each >= 0, ``low <= high``."""
    if not check_threshold_presence(low, high):
        return None, None
    low = check_scalar_threshold("low", low)
    high = check_scalar_threshold("high", high)
    if low > high:
        raise threshold_order_error(low, high)
    return low, high


def check_threshold_shape(name: str, shape: Sequence[int | None], batch: int | None) -> None:
    """A threshold tensor must be a scalar or hold one value per image, shape ``(N,)``."""
    shape = tuple(shape)
    if len(shape) == 0:
        return
    if len(shape) == 1 and (shape[0] is None or batch is None or shape[0] == batch):
        return
    raise ValueError(
        f"{name} must be a number, a scalar or one value per image of shape ({batch},), "
        f"got shape {shape}"
    )


def negative_threshold_error(name: str, found_min: float) -> ValueError:
    """The error for a negative threshold."""
    return ValueError(f"{name} must be >= 0, got a minimum of {found_min:g}")


def non_finite_threshold_error(name: str) -> ValueError:
    """The error for a NaN or infinite threshold."""
    return ValueError(f"{name} must be finite, got NaN or Inf")


def threshold_order_error(low: float, high: float) -> ValueError:
    """The error for ``low > high`` (``cv2.Canny`` swaps them silently; faceloss refuses)."""
    return ValueError(
        f"low must be <= high, got low={low:g} > high={high:g} (cv2.Canny would swap them "
        "silently; pass them in order)"
    )


def check_scales(scales: object, height: int | None, width: int | None) -> tuple[int, ...]:
    """Check ``edge_targets``' scales: a non-empty sequence of powers of two dividing H and W."""
    if isinstance(scales, (str, bytes)) or not isinstance(scales, Sequence) or not scales:
        raise TypeError(f"scales must be a non-empty sequence of ints, got {scales!r}")
    out = []
    for scale in scales:
        if isinstance(scale, bool) or not isinstance(scale, numbers.Integral):
            raise TypeError(f"scales must hold ints, got {scale!r} in {scales!r}")
        scale = int(scale)
        if scale < 1 or scale & (scale - 1):
            raise ValueError(f"each scale must be a power of two (1, 2, 4, ...), got {scale}")
        for side, size in (("height", height), ("width", width)):
            if size is not None and (size % scale or size // scale < CANNY_MIN_SIZE):
                raise ValueError(
                    f"hr {side} {size} must be divisible by every scale and give at least "
                    f"{CANNY_MIN_SIZE} pixels; scale {scale} does not"
                )
        out.append(scale)
    return tuple(out)


def check_even_size(name: str, height: int | None, width: int | None) -> None:
    """``downscale_x2`` averages 2x2 blocks: height and width must be even."""
    if (height is not None and height % 2) or (width is not None and width % 2):
        raise ValueError(
            f"{name} must have an even height and width for a x2 downscale, got {height}x{width}"
        )
