"""Input checks for TensorFlow tensors (layout NHWC); rules and messages in :mod:`faceloss._validation`.

Static shape and dtype checks run whenever the shape is known (also while a
``tf.function`` traces); unknown dimensions pass. Value checks (NaN/Inf, ranges)
run only eagerly with value checks enabled (:func:`faceloss.set_value_checks`).
"""

from __future__ import annotations

from collections.abc import Iterable

import keras
import tensorflow as tf

from faceloss import _validation as v
from faceloss._config import value_checks_enabled
from faceloss.spec import METRIC_CHANNELS

LAYOUT = "NHWC"


def check_tensor(x: object, name: str) -> tf.Tensor:
    """Require a floating-point tensor (NumPy arrays and variables are converted, ints refused)."""
    if not tf.is_tensor(x):
        try:
            import numpy as np

            if isinstance(x, np.ndarray) or isinstance(x, (list, tuple, float)):
                x = tf.convert_to_tensor(x)
        except (TypeError, ValueError):
            pass
    if not tf.is_tensor(x):
        v.check_type(name, x, tf.Tensor, "a tf.Tensor or numpy.ndarray")
    v.check_floating(name, x.dtype.is_floating, x.dtype.name)
    return x


def static_shape(x: tf.Tensor) -> tuple[int | None, ...]:
    """The static shape as a tuple (``None`` for unknown dimensions); rank must be known."""
    return tuple(x.shape.as_list()) if x.shape.rank is not None else ()


def check_image(
    x: object, name: str, channels: int | Iterable[int] | None = 3, min_size: int = 1
) -> tf.Tensor:
    """Check an image batch ``(N, H, W, C)`` of floats; returns it as a tensor."""
    x = check_tensor(x, name)
    if x.shape.rank is not None:
        v.check_image_shape(name, static_shape(x), LAYOUT, channels, min_size)
    return x


def check_same_shape(a: tf.Tensor, name_a: str, b: tf.Tensor, name_b: str) -> None:
    """Raise ValueError unless the static shapes of ``a`` and ``b`` agree."""
    if a.shape.rank is not None and b.shape.rank is not None:
        v.check_same_shape(name_a, static_shape(a), name_b, static_shape(b))


def value_checks_active() -> bool:
    """True when data-dependent checks should run now (enabled and eager)."""
    return value_checks_enabled() and tf.executing_eagerly()


def check_finite(x: tf.Tensor, name: str) -> None:
    """Raise ValueError on NaN/Inf (eager with value checks enabled only)."""
    if value_checks_active() and not bool(tf.reduce_all(tf.math.is_finite(x))):
        raise v.non_finite_error(name)


def check_range(x: tf.Tensor, name: str, low: float, high: float) -> None:
    """Raise ValueError on values outside ``[low, high]`` or NaN (eager, value checks on)."""
    if not value_checks_active():
        return
    check_finite(x, name)
    lo, hi = float(tf.reduce_min(x)), float(tf.reduce_max(x))
    if not (lo >= low and hi <= high):
        raise v.range_error(name, low, high, lo, hi)


check_choice = v.check_choice
check_axis = v.check_axis


def check_keras_argument(x: object, name: str) -> object:
    """A Keras loss or metric argument before Keras casts it: ``None``, strings and integer
    or non-numeric data raise a TypeError naming ``name`` (Keras would cast integers to
    floats silently, e.g. a uint8 target on the 0..255 scale). Symbolic tensors pass."""
    if isinstance(x, keras.KerasTensor):
        return x
    if isinstance(x, (list, tuple)) and x and all(tf.is_tensor(e) for e in x):
        return type(x)(check_keras_argument(e, f"{name}[{k}]") for k, e in enumerate(x))
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a floating-point tensor, got {type(x).__name__}")
    try:
        x = tf.convert_to_tensor(x)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a floating-point tensor, got {type(x).__name__} that TensorFlow "
            f"cannot convert ({error})"
        ) from None
    v.check_floating(name, x.dtype.is_floating, x.dtype.name)
    return x


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

check_int = v.check_int
check_bool = v.check_bool
check_scale_weights = v.check_scale_weights
check_same_length = v.check_same_length
check_same_batch = v.check_same_batch


def check_shape(
    x: tf.Tensor, name: str, expected: tuple[int | None, ...], meaning: str = ""
) -> None:
    """Raise ValueError unless the static shape equals ``expected`` (``None`` matches anything)."""
    if x.shape.rank is not None:
        v.check_shape(name, static_shape(x), expected, meaning)


def check_sequence(x: object, name: str) -> tuple:
    """A non-empty list/tuple (one tensor per scale) as a tuple; a single tensor is refused."""
    import numpy as np

    return v.check_sequence(name, x, is_tensor=tf.is_tensor(x) or isinstance(x, np.ndarray))


def check_metric_inputs(
    prediction: object,
    target: object,
    data_range: float,
    y_channel: bool,
    min_size: int = 1,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Check an image-metric pair: float batches with 1 or 3 channels, at least
    ``min_size`` pixels per side, equal shapes, a valid ``y_channel`` and (value
    checks on) every value in ``[0, data_range]``. Returns the pair as tensors."""
    prediction = check_image(prediction, "prediction", METRIC_CHANNELS, min_size)
    target = check_image(target, "target", METRIC_CHANNELS, min_size)
    check_same_shape(prediction, "prediction", target, "target")
    v.check_y_channel(
        y_channel, static_shape(prediction)[3] if prediction.shape.rank == 4 else None
    )
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    return prediction, target


check_data_range = v.check_data_range


def check_embeddings(a: object, name_a: str, b: object, name_b: str) -> tuple[tf.Tensor, tf.Tensor]:
    """Check two ``(N, D)`` floating-point embedding batches of the same (static) shape."""
    from faceloss._face_region import check_embedding_shapes

    a = check_tensor(a, name_a)
    b = check_tensor(b, name_b)
    if a.shape.rank is not None and b.shape.rank is not None:
        check_embedding_shapes(name_a, static_shape(a), name_b, static_shape(b))
    return a, b
