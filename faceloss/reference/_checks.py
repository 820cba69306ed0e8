"""Input checks for NumPy arrays (layout NHWC); rules and messages in :mod:`faceloss._validation`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from faceloss import _validation as v
from faceloss._config import value_checks_enabled
from faceloss.spec import METRIC_CHANNELS

LAYOUT = "NHWC"


def as_float_array(x: object, name: str) -> np.ndarray:
    """Return ``x`` as an ndarray, requiring a floating dtype (no silent int -> float cast)."""
    if not isinstance(x, np.ndarray):
        if isinstance(x, (list, tuple, float)):
            x = np.asarray(x)
        else:
            v.check_type(name, x, np.ndarray, "a numpy.ndarray")
    v.check_floating(name, np.issubdtype(x.dtype, np.floating), x.dtype)
    return x


def check_image(
    x: object, name: str, channels: int | Iterable[int] | None = 3, min_size: int = 1
) -> np.ndarray:
    """Check an image batch ``(N, H, W, C)`` of floats and return it as an ndarray."""
    x = as_float_array(x, name)
    v.check_image_shape(name, x.shape, LAYOUT, channels, min_size)
    return x


def check_same_shape(a: np.ndarray, name_a: str, b: np.ndarray, name_b: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same shape."""
    v.check_same_shape(name_a, a.shape, name_b, b.shape)


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ValueError on NaN/Inf (only while value checks are enabled)."""
    if value_checks_enabled() and not np.isfinite(x).all():
        raise v.non_finite_error(name)


def check_range(x: np.ndarray, name: str, low: float, high: float) -> None:
    """Raise ValueError on values outside ``[low, high]`` or NaN (only with value checks on)."""
    if not value_checks_enabled():
        return
    check_finite(x, name)
    lo, hi = float(np.min(x)), float(np.max(x))
    if not (lo >= low and hi <= high):  # NaN fails both comparisons
        raise v.range_error(name, low, high, lo, hi)


check_choice = v.check_choice
check_axis = v.check_axis


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

check_int = v.check_int
check_bool = v.check_bool
check_scale_weights = v.check_scale_weights
check_same_length = v.check_same_length
check_same_batch = v.check_same_batch


def check_shape(
    x: np.ndarray, name: str, expected: tuple[int | None, ...], meaning: str = ""
) -> None:
    """Raise ValueError unless ``x.shape`` equals ``expected`` (``None`` matches anything)."""
    v.check_shape(name, x.shape, expected, meaning)


def check_sequence(x: object, name: str) -> tuple:
    """A non-empty list/tuple (one array per scale) as a tuple; a single array is refused."""
    return v.check_sequence(name, x, is_tensor=isinstance(x, np.ndarray))


def check_metric_inputs(
    prediction: object,
    target: object,
    data_range: float,
    y_channel: bool,
    min_size: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Check an image-metric pair: float batches with 1 or 3 channels, at least
    ``min_size`` pixels per side, equal shapes, a valid ``y_channel`` and (value
    checks on) every value in ``[0, data_range]``. Returns the pair as tensors."""
    prediction = check_image(prediction, "prediction", METRIC_CHANNELS, min_size)
    target = check_image(target, "target", METRIC_CHANNELS, min_size)
    check_same_shape(prediction, "prediction", target, "target")
    v.check_y_channel(y_channel, prediction.shape[3])
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    return prediction, target


check_data_range = v.check_data_range


def check_embeddings(
    a: object, name_a: str, b: object, name_b: str
) -> tuple[np.ndarray, np.ndarray]:
    """Check two ``(N, D)`` float embedding batches of the same shape; returns them as arrays."""
    from faceloss._face_region import check_embedding_shapes

    a = as_float_array(a, name_a)
    b = as_float_array(b, name_b)
    check_embedding_shapes(name_a, a.shape, name_b, b.shape)
    return a, b
