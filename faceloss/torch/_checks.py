"""Input checks for torch tensors (layout NCHW); rules and messages in :mod:`faceloss._validation`.

Shape and dtype checks are free. Value checks (NaN/Inf, ranges) read the data,
so they run only in eager mode with value checks enabled
(:func:`faceloss.set_value_checks`), never while compiling or scripting.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from faceloss import _validation as v
from faceloss._config import value_checks_enabled
from faceloss.spec import METRIC_CHANNELS

LAYOUT = "NCHW"


def _tracing() -> bool:
    return torch.jit.is_scripting() or torch.jit.is_tracing() or torch.compiler.is_compiling()


def check_tensor(x: object, name: str) -> torch.Tensor:
    """Require a floating-point ``torch.Tensor``."""
    v.check_type(name, x, torch.Tensor, "a torch.Tensor")
    v.check_floating(name, x.is_floating_point(), x.dtype)
    return x


def check_image(
    x: object, name: str, channels: int | Iterable[int] | None = 3, min_size: int = 1
) -> torch.Tensor:
    """Check an image batch ``(N, C, H, W)`` of floats."""
    x = check_tensor(x, name)
    v.check_image_shape(name, tuple(x.shape), LAYOUT, channels, min_size)
    return x


def check_same_shape(a: torch.Tensor, name_a: str, b: torch.Tensor, name_b: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same shape."""
    v.check_same_shape(name_a, tuple(a.shape), name_b, tuple(b.shape))


def value_checks_active() -> bool:
    """True when data-dependent checks should run now (enabled and not compiling)."""
    return value_checks_enabled() and not _tracing()


def check_finite(x: torch.Tensor, name: str) -> None:
    """Raise ValueError on NaN/Inf (eager mode with value checks enabled only)."""
    if value_checks_active() and not bool(torch.isfinite(x).all()):
        raise v.non_finite_error(name)


def check_range(x: torch.Tensor, name: str, low: float, high: float) -> None:
    """Raise ValueError on values outside ``[low, high]`` or NaN (eager, value checks on)."""
    if not value_checks_active():
        return
    lo, hi = torch.aminmax(x.detach())  # NaN propagates: one pass finds NaN, Inf and range
    lo, hi = float(lo), float(hi)
    if not (lo >= low and hi <= high):
        check_finite(x, name)
        raise v.range_error(name, low, high, lo, hi)


check_choice = v.check_choice
check_axis = v.check_axis


def check_layer_dtype(x: torch.Tensor, name: str, dtype: torch.dtype, layer: str) -> None:
    """Raise TypeError unless ``x`` has the dtype of ``layer``'s weights (autocast exempt).

    A layer with weights computes in their dtype, as ``torch.nn`` layers do; under
    ``torch.autocast`` the convolutions cast for themselves, so any float dtype passes.
    """
    if x.dtype == dtype or _tracing() or torch.is_autocast_enabled(x.device.type):
        return
    raise TypeError(
        f"{name} must have {layer}'s dtype {str(dtype).removeprefix('torch.')} (its "
        f"weights'), got {str(x.dtype).removeprefix('torch.')}: convert the input or the "
        f"layer ({layer}.to(dtype)), or run under torch.autocast"
    )


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

check_int = v.check_int
check_bool = v.check_bool
check_scale_weights = v.check_scale_weights
check_same_length = v.check_same_length
check_same_batch = v.check_same_batch


def check_shape(
    x: torch.Tensor, name: str, expected: tuple[int | None, ...], meaning: str = ""
) -> None:
    """Raise ValueError unless ``x.shape`` equals ``expected`` (``None`` matches anything)."""
    v.check_shape(name, tuple(x.shape), expected, meaning)


def check_sequence(x: object, name: str) -> tuple:
    """A non-empty list/tuple (one tensor per scale) as a tuple; a single tensor is refused."""
    return v.check_sequence(name, x, is_tensor=isinstance(x, torch.Tensor))


def check_metric_inputs(
    prediction: object,
    target: object,
    data_range: float,
    y_channel: bool,
    min_size: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check an image-metric pair: float batches with 1 or 3 channels, at least
    ``min_size`` pixels per side, equal shapes, a valid ``y_channel`` and (value
    checks on) every value in ``[0, data_range]``. Returns the pair as tensors."""
    prediction = check_image(prediction, "prediction", METRIC_CHANNELS, min_size)
    target = check_image(target, "target", METRIC_CHANNELS, min_size)
    check_same_shape(prediction, "prediction", target, "target")
    v.check_y_channel(y_channel, prediction.shape[1])
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    return prediction, target


check_data_range = v.check_data_range


def check_embeddings(
    a: object, name_a: str, b: object, name_b: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check two ``(N, D)`` floating-point embedding batches of the same shape."""
    from faceloss._face_region import check_embedding_shapes

    a = check_tensor(a, name_a)
    b = check_tensor(b, name_b)
    check_embedding_shapes(name_a, tuple(a.shape), name_b, tuple(b.shape))
    return a, b
