"""float16/bfloat16 cases: every public function without weights, in torch and TF, against
the float64 reference on the same half-rounded inputs (the half-precision rule of
``docs/conventions.rst``). Used by ``tests/parity/test_half_precision.py`` and
``benchmarks/half_precision.py`` (which prints the error table).
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import numpy as np

from tests.parity.harness import _cast64, _kwargs, _resolve, _tensors, run, to_numpy

HALF_DTYPES = ("float16", "bfloat16")


def _faces(n: int = 2, side: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target): ``n`` astronaut faces (scikit-image ships them) of ``side``
    pixels and their x8 bicubic down-and-up versions, NHWC float64 in [0, 1]."""
    from tests.packaged_faces import astronaut_pairs

    return astronaut_pairs(n, side)


@functools.cache
def cases() -> dict[str, tuple[str, tuple, dict, tuple[int, ...], bool]]:
    """name -> (function, NumPy args, kwargs, image arg positions, image output)."""
    rng = np.random.default_rng(1)
    p48, t48 = _faces(2, 48)
    p128, t128 = _faces(2, 128)
    logits = tuple(np.clip(3e4 * rng.standard_normal((2, 64)), -6e4, 6e4) for _ in range(2))
    features = rng.standard_normal((2, 12, 12, 4))
    emb = (rng.standard_normal((6, 16)), rng.standard_normal((6, 16)))
    boxes = [(8, 8, 120, 120), (20, 16, 100, 110)]
    return {
        "psnr": ("psnr", (p48, t48), {}, (0, 1), False),
        "psnr y": ("psnr", (p48, t48), {"y_channel": True}, (0, 1), False),
        "ssim 128": ("ssim", (p128, t128), {}, (0, 1), False),
        "ssim 128 255": ("ssim", (255 * p128, 255 * t128), {"data_range": 255.0}, (0, 1), False),
        "vif 48": ("vif", (p48, t48), {}, (0, 1), False),
        "fr_psnr": ("fr_psnr", (p128, t128), {"boxes": boxes}, (0, 1), False),
        "fr_ssim": ("fr_ssim", (p128, t128), {"boxes": boxes}, (0, 1), False),
        "js_divergence 6e4": ("js_divergence", logits, {}, (), False),
        "js_divergence 1": ("js_divergence", (logits[0] / 6e4, logits[1] / 6e4), {}, (), False),
        "rgb_to_yuv": ("rgb_to_yuv", (t48,), {}, (0,), True),
        "luminance_chrominance_loss": ("luminance_chrominance_loss", (p48, t48), {}, (0, 1), False),
        "avg_pool_same 10": ("avg_pool_same", (features,), {"pool_size": 10}, (0,), True),
        "edge_loss": ("edge_loss", ([p48[..., :1]], [t48[..., :1]]), {}, (0, 1), False),
        "tar": ("tar", emb, {"thresholds": [2.0, 6.0]}, (), False),
        "downscale_x2": ("downscale_x2", (t48,), {}, (0,), True),
        "adaptive_thresholds": ("adaptive_thresholds", (t48,), {}, (0,), False),
        "canny 50/255": ("canny", (t48,), {"low": 50.0, "high": 255.0}, (0,), True),
    }


def _to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, tuple):
        return np.concatenate([np.asarray(v, np.float64).ravel() for v in value])
    if hasattr(value, "values") and hasattr(value, "skipped"):
        return np.asarray(value.values, np.float64)
    return np.asarray(value, np.float64)


def half_inputs(args: tuple, dtype: str) -> tuple:
    """The float arrays of ``args`` rounded to ``dtype`` and back to float64 (what the
    reference sees); other arguments unchanged."""

    def cast(a: Any) -> Any:
        if isinstance(a, list):
            return [cast(x) for x in a]
        return _cast64(a, _np_dtype(dtype)) if isinstance(a, np.ndarray) else a

    return tuple(cast(a) for a in args)


def run_case(name: str, backend: str, dtype: str) -> tuple[np.ndarray, np.ndarray, set[str]]:
    """(backend result, float64 reference result, names of the backend result's float
    dtypes) of one case, both results flattened to float64."""
    fn, args, kwargs, image_args, image_output = cases()[name]
    args = half_inputs(args, dtype)
    layout = {"image_args": image_args, "image_output": image_output}
    expected = _to_numpy(run("reference", fn, *args, **layout, **kwargs))
    tensors = _tensors(backend, args, image_args, (), _np_dtype(dtype))
    result = _resolve(backend, fn)(*tensors, **_kwargs(backend, kwargs))
    outputs = result if isinstance(result, tuple) else (result,)
    dtypes = {getattr(o.dtype, "name", str(o.dtype).removeprefix("torch.")) for o in outputs}
    return _to_numpy(to_numpy(result, backend, image_output)), expected, dtypes


def measure(name: str, backend: str, dtype: str) -> tuple[float, float]:
    """(max abs error vs the float64 reference, seconds) of one case in one backend."""
    start = time.perf_counter()
    got, expected, _ = run_case(name, backend, dtype)
    seconds = time.perf_counter() - start
    if got.shape != expected.shape:
        return math.nan, seconds
    both_inf = np.isinf(got) & np.isinf(expected) & (np.sign(got) == np.sign(expected))
    diff = np.where(both_inf, 0.0, np.abs(got - expected))
    return float(np.max(diff)) if diff.size else 0.0, seconds


def _np_dtype(dtype: str) -> Any:
    return np.float16 if dtype == "float16" else dtype
