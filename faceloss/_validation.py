"""Backend-free input validation: the rules and the message texts.

Every backend's ``_checks.py`` extracts shape and dtype from its own tensor type
and calls these functions, so a rule and its error message exist once and read
the same in NumPy, torch and TensorFlow.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

Shape = tuple[int, ...]

LAYOUTS = {"NCHW": (1, 2, 3), "NHWC": (3, 1, 2)}  # layout -> (channel axis, H axis, W axis)


def _fmt_shape(shape: Sequence[int | None]) -> str:
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ")"


def check_type(name: str, value: object, expected: type | tuple[type, ...], what: str) -> None:
    """Raise TypeError unless ``value`` is an instance of ``expected`` (``what`` names it)."""
    if not isinstance(value, expected):
        raise TypeError(
            f"{name} must be {what}, got {type(value).__module__}.{type(value).__name__}"
        )


def check_floating(name: str, is_floating: bool, dtype: object) -> None:
    """Raise TypeError unless the dtype is floating point."""
    if not is_floating:
        raise TypeError(f"{name} must have a floating-point dtype, got {dtype}")


def check_image_shape(
    name: str,
    shape: Sequence[int | None],
    layout: str,
    channels: int | Iterable[int] | None = 3,
    min_size: int = 1,
) -> None:
    """Check a batch of images: rank 4, non-empty, channel count and spatial size.

    Args:
        name: argument name used in the message.
        shape: the tensor's shape; ``None`` entries (unknown in a TF graph) pass.
        layout: ``"NCHW"`` or ``"NHWC"``.
        channels: allowed channel count(s), or ``None`` for any.
        min_size: smallest allowed height and width.
    """
    c_axis, h_axis, w_axis = LAYOUTS[layout]
    if len(shape) != 4:
        raise ValueError(
            f"{name} must be a 4-D batch of images {layout}, got {len(shape)}-D shape "
            f"{_fmt_shape(shape)}"
        )
    if shape[0] == 0:
        raise ValueError(f"{name} is an empty batch: shape {_fmt_shape(shape)} ({layout})")
    if channels is not None:
        allowed = (channels,) if isinstance(channels, int) else tuple(channels)
        c = shape[c_axis]
        if c is not None and c not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name} must have {want} channel(s) on axis {c_axis} ({layout}), got {c}: "
                f"shape {_fmt_shape(shape)}"
            )
    h, w = shape[h_axis], shape[w_axis]
    if (h is not None and h < min_size) or (w is not None and w < min_size):
        raise ValueError(
            f"{name} must be at least {min_size}x{min_size} pixels ({layout}), got "
            f"{h}x{w}: shape {_fmt_shape(shape)}"
        )


def check_same_shape(
    name_a: str, shape_a: Sequence[int | None], name_b: str, shape_b: Sequence[int | None]
) -> None:
    """Raise ValueError unless two shapes are equal (no broadcasting)."""
    if len(shape_a) != len(shape_b) or any(
        a is not None and b is not None and a != b for a, b in zip(shape_a, shape_b, strict=True)
    ):
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {_fmt_shape(shape_a)} and "
            f"{_fmt_shape(shape_b)}"
        )


def check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def check_axis(name: str, axis: int, ndim: int) -> int:
    """Return ``axis`` normalised to ``[0, ndim)``; raise ValueError if out of range."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for a {ndim}-D input")
    return axis % ndim


def non_finite_error(name: str) -> ValueError:
    """The error raised when a value check finds NaN or Inf."""
    return ValueError(
        f"{name} contains NaN or Inf values; faceloss refuses non-finite inputs while value "
        "checks are on (faceloss.set_value_checks(False) lets them propagate)"
    )


def range_error(
    name: str, low: float, high: float, found_min: float, found_max: float
) -> ValueError:
    """The error raised when a value check finds values outside ``[low, high]``."""
    return ValueError(
        f"{name} must have values in [{low:g}, {high:g}], found values in "
        f"[{_digits(found_min, low, high)}, {_digits(found_max, low, high)}]; clamp it to the "
        "range (e.g. clamp(0, data_range)) or turn value checks off with "
        "faceloss.set_value_checks(False)"
    )


def _digits(value: float, low: float, high: float) -> str:
    """``value`` with as few digits as show where it lies against ``low`` and ``high``
    (``1.0000001`` is not printed as ``1``)."""
    for digits in (6, 9, 12, 17):
        text = f"{value:.{digits}g}"
        shown = float(text)
        if (shown < low) == (value < low) and (shown > high) == (value > high):
            return text
    return repr(value)


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------


def check_int(name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` as a Python int if it is an integer (also NumPy's; not a bool) of at
    least ``minimum``."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = operator.index(value)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool; raise TypeError otherwise (no truthiness)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
    return value


def check_shape(
    name: str, shape: Sequence[int | None], expected: Sequence[int | None], meaning: str = ""
) -> None:
    """Raise ValueError unless ``shape`` equals ``expected`` (``None`` entries match anything).

    ``meaning`` names the axes, e.g. ``"(out, in, kh, kw)"``.
    """
    if len(shape) != len(expected) or any(
        s is not None and e is not None and s != e for s, e in zip(shape, expected, strict=False)
    ):
        axes = f" {meaning}" if meaning else ""
        raise ValueError(
            f"{name} must have shape {_fmt_shape(expected)}{axes}, got {_fmt_shape(shape)}"
        )


def check_sequence(name: str, value: object, is_tensor: bool = False) -> tuple:
    """Return a non-empty list or tuple as a tuple; refuse tensors and other iterables.

    ``is_tensor`` says the caller already knows ``value`` is a single tensor/array,
    which gets a message telling how to pass one scale.
    """
    if is_tensor:
        raise TypeError(
            f"{name} must be a list or tuple of tensors, one per scale, got a single "
            f"{type(value).__name__}; pass [tensor] for one scale"
        )
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{name} must be a list or tuple of tensors, one per scale, got {type(value).__name__}"
        )
    if len(value) == 0:
        raise ValueError(
            f"{name} must hold at least one scale, got an empty {type(value).__name__}"
        )
    return tuple(value)


def check_same_length(name_a: str, len_a: int, name_b: str, len_b: int) -> None:
    """Raise ValueError unless two sequences have the same length."""
    if len_a != len_b:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of scales, got {len_a} and {len_b}"
        )


def check_scale_weights(weights: object, scales: int | None = None) -> tuple[float, ...] | None:
    """Validate per-scale loss weights: ``None`` or finite, non-negative reals (one per scale).

    Returns them as a tuple of floats (``None`` stays ``None``). ``scales`` (if given) is
    the number of scales the weights must match.
    """
    if weights is None:
        return None
    if not isinstance(weights, (list, tuple)):
        raise TypeError(
            f"weights must be None or a list/tuple of floats, one per scale, got "
            f"{type(weights).__name__}"
        )
    values = []
    for i, w in enumerate(weights):
        if isinstance(w, bool) or not hasattr(w, "__float__"):
            raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}")
        try:
            w = float(w)  # int, float, NumPy or 0-d tensor scalars
        except (TypeError, ValueError):
            raise TypeError(f"weights[{i}] must be a real number, got {type(w).__name__}") from None
        if not (w >= 0.0 and w != float("inf")):
            raise ValueError(f"weights[{i}] must be finite and non-negative, got {w}")
        values.append(w)
    if len(values) == 0:
        raise ValueError("weights must hold at least one value (one per scale), got none")
    if scales is not None and len(values) != scales:
        raise ValueError(
            f"weights must have one value per scale: {scales} scale(s), got {len(values)} weight(s)"
        )
    return tuple(values)


def check_same_batch(name_a: str, n_a: int | None, name_b: str, n_b: int | None) -> None:
    """Raise ValueError unless two inputs hold the same number of images (unknown passes)."""
    if n_a is not None and n_b is not None and n_a != n_b:
        raise ValueError(
            f"{name_a} and {name_b} must hold the same number of images, got batch sizes "
            f"{n_a} and {n_b}"
        )


def check_same_dtype(name_a: str, dtype_a: object, name_b: str, dtype_b: object) -> None:
    """Raise TypeError unless two inputs have the same dtype (no silent casts)."""
    if dtype_a != dtype_b:
        raise TypeError(f"{name_b} must have the dtype of {name_a} ({dtype_a}), got {dtype_b}")


def check_data_range(data_range: object) -> float:
    """Return ``data_range`` as a float; it must be a finite number > 0 (the images' maximum)."""
    if isinstance(data_range, bool) or not isinstance(data_range, (int, float)):
        try:  # NumPy scalars and 0-d arrays
            import numpy as np

            if isinstance(data_range, np.ndarray) and data_range.ndim == 0:
                data_range = data_range.item()
            elif isinstance(data_range, np.generic):
                data_range = data_range.item()
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
    if isinstance(data_range, bool) or not isinstance(data_range, (int, float)):
        raise TypeError(
            f"data_range must be a positive number (the images' maximum value, e.g. 1.0 or "
            f"255), got {type(data_range).__name__}"
        )
    value = float(data_range)
    if not (value > 0 and value < float("inf")):
        raise ValueError(
            f"data_range must be a finite number > 0 (the images' maximum value, e.g. 1.0 or "
            f"255), got {data_range!r}"
        )
    return value


def check_y_channel(y_channel: object, channels: int | None) -> None:
    """Raise unless ``y_channel`` is a bool, and ``True`` only for RGB (3-channel) images."""
    check_bool("y_channel", y_channel)
    if y_channel and channels is not None and channels != 3:
        raise ValueError(
            f"y_channel=True takes the BT.601 luma of RGB images and needs 3 channels, got "
            f"{channels}; grayscale images are used as they are with y_channel=False"
        )
