"""Run one named faceloss function in the NumPy reference, torch and TF, and compare.

Inputs are given as NumPy arrays in the reference layout (images NHWC). Arguments
listed in ``image_args`` are images: they are transposed to NCHW for torch; an
``image_output`` result is transposed back. Keyword ``axis`` becomes torch's ``dim``.

>>> import numpy as np
>>> out = run_all("js_divergence", np.zeros((2, 3)), np.ones((2, 3)), image_args=())
>>> sorted(out)
['reference', 'tf', 'torch']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tests.parity.tolerances import GRADIENT_TOLERANCES, assert_close

BACKENDS = ("reference", "torch", "tf")
TORCH_RENAMES = {"axis": "dim"}


def backend_module(backend: str) -> Any:
    """The faceloss module of a backend."""
    if backend == "reference":
        import faceloss.reference as module
    elif backend == "torch":
        import faceloss.torch as module
    elif backend == "tf":
        import faceloss.tf as module
    else:
        raise ValueError(f"unknown backend {backend!r}")
    return module


def to_backend(array: np.ndarray, backend: str, image: bool, dtype: Any) -> Any:
    """A NumPy array (NHWC if ``image``) as the backend's tensor in its layout and ``dtype``."""
    array = np.array(array, dtype=dtype, order="C")  # a copy; keeps 0-D arrays 0-D
    if backend == "reference":
        return array
    if backend == "torch":
        import torch

        tensor = torch.from_numpy(array)
        return tensor.permute(0, 3, 1, 2).contiguous() if image else tensor
    import tensorflow as tf

    return tf.constant(array)


def to_numpy(value: Any, backend: str, image: bool) -> np.ndarray:
    """A backend result as a NumPy array in the reference layout."""
    if backend == "torch":
        value = value.detach()
        if image:
            value = value.permute(0, 2, 3, 1)
        return value.cpu().numpy()
    if backend == "tf":
        return np.asarray(value.numpy())
    return np.asarray(value)


def _resolve(backend: str, fn: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(fn):
        return fn
    module = backend_module(backend)
    for part in fn.split("."):
        module = getattr(module, part)
    return module


def _kwargs(backend: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    if backend != "torch":
        return kwargs
    return {TORCH_RENAMES.get(k, k): v for k, v in kwargs.items()}


def run(
    backend: str,
    fn: str,
    *args: np.ndarray,
    image_args: Sequence[int] = (0, 1),
    image_output: bool = False,
    dtype: Any = np.float64,
    **kwargs: Any,
) -> np.ndarray:
    """Run ``faceloss.<backend>.<fn>(*args, **kwargs)`` and return a NumPy result (NHWC)."""
    tensors = [to_backend(a, backend, i in image_args, dtype) for i, a in enumerate(args)]
    result = _resolve(backend, fn)(*tensors, **_kwargs(backend, kwargs))
    return to_numpy(result, backend, image_output)


def run_all(
    fn: str,
    *args: np.ndarray,
    image_args: Sequence[int] = (0, 1),
    image_output: bool = False,
    dtype: Any = np.float64,
    backends: Sequence[str] = BACKENDS,
    **kwargs: Any,
) -> dict[str, np.ndarray]:
    """:func:`run` in every backend. The reference always computes in float64 on the inputs
    cast to ``dtype`` first, so differences measure the backend, not the input rounding."""
    out = {}
    for backend in backends:
        if backend == "reference":
            cast = [np.asarray(a, dtype=dtype).astype(np.float64) for a in args]
            out[backend] = run(
                backend,
                fn,
                *cast,
                image_args=image_args,
                image_output=image_output,
                dtype=np.float64,
                **kwargs,
            )
        else:
            out[backend] = run(
                backend,
                fn,
                *args,
                image_args=image_args,
                image_output=image_output,
                dtype=dtype,
                **kwargs,
            )
    return out


def assert_backends_match_reference(
    fn: str,
    *args: np.ndarray,
    dtype: Any = np.float64,
    image_args: Sequence[int] = (0, 1),
    image_output: bool = False,
    **kwargs: Any,
) -> dict[str, np.ndarray]:
    """Run ``fn`` everywhere and assert torch and TF equal the reference within tolerance."""
    out = run_all(
        fn, *args, dtype=dtype, image_args=image_args, image_output=image_output, **kwargs
    )
    for backend in ("torch", "tf"):
        assert_close(out[backend], out["reference"], dtype, f"{fn} {backend} vs reference")
    return out


def gradient(
    backend: str,
    fn: str,
    *args: np.ndarray,
    wrt: int = 0,
    image_args: Sequence[int] = (0, 1),
    image_output: bool = False,
    dtype: Any = np.float64,
    weights: np.ndarray | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Gradient of ``sum(weights * fn(*args))`` with respect to ``args[wrt]`` (NHWC if image).

    ``weights`` (shape of the output in the reference layout; default ones) make the
    check sensitive to every output element, not only their sum."""
    tensors = [to_backend(a, backend, i in image_args, dtype) for i, a in enumerate(args)]
    func = _resolve(backend, fn)
    if backend == "torch":
        import torch

        tensors[wrt].requires_grad_(True)
        out = func(*tensors, **_kwargs(backend, kwargs))
        if weights is None:
            w = torch.ones_like(out)
        else:
            w = to_backend(weights, backend, image_output, np.dtype(str(out.dtype)[6:]))
        (grad,) = torch.autograd.grad((out * w).sum(), tensors[wrt])
        return to_numpy(grad, backend, wrt in image_args)
    if backend == "tf":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(tensors[wrt])
            out = func(*tensors, **kwargs)
            w = tf.ones_like(out) if weights is None else tf.constant(weights, dtype=out.dtype)
            total = tf.reduce_sum(out * w)
        return to_numpy(tape.gradient(total, tensors[wrt]), backend, False)
    raise ValueError(f"gradients are compared for 'torch' and 'tf', not {backend!r}")


def assert_gradients_match(
    fn: str, *args: np.ndarray, dtype: Any = np.float64, **kwargs: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Assert torch and TF gradients agree (and are finite); returns (torch, tf) gradients.

    Keyword arguments are those of :func:`gradient` plus ``fn``'s own."""
    g_torch = gradient("torch", fn, *args, dtype=dtype, **kwargs)
    g_tf = gradient("tf", fn, *args, dtype=dtype, **kwargs)
    assert np.isfinite(g_torch).all(), f"{fn}: non-finite torch gradient"
    assert np.isfinite(g_tf).all(), f"{fn}: non-finite TF gradient"
    assert_close(g_tf, g_torch, dtype, f"{fn} gradient TF vs torch", GRADIENT_TOLERANCES)
    return g_torch, g_tf
