"""Run one named faceloss function in the NumPy reference, torch and TF, and compare.

Inputs are given as NumPy arrays in the reference layout (images NHWC). Arguments
listed in ``image_args`` are images: they are transposed to NCHW for torch; an
``image_output`` result is transposed back. Keyword ``axis`` becomes torch's ``dim``.
Arguments listed in ``kernel_args`` are convolution kernels in Keras layout
``(kh, kw, in, out)``, reordered to torch's ``(out, in, kh, kw)``. An argument may be a
list of arrays (one tensor per scale); a function may return a tuple, in which case
``image_output`` is a bool per element (or one bool for all).

>>> import numpy as np
>>> out = run_all("js_divergence", np.zeros((2, 3)), np.ones((2, 3)), image_args=())
>>> sorted(out)
['reference', 'tf', 'torch']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tests.parity.tolerances import GRADIENT_TOLERANCES, TOLERANCES, assert_close

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


def to_backend(
    array: np.ndarray, backend: str, image: bool, dtype: Any, kernel: bool = False
) -> Any:
    """A NumPy array (NHWC if ``image``, Keras kernel if ``kernel``) as the backend's tensor in
    its layout and ``dtype``; a list of arrays becomes a list of tensors."""
    if isinstance(array, (list, tuple)):
        return [to_backend(a, backend, image, dtype, kernel) for a in array]
    if dtype == "bfloat16":  # no NumPy dtype: made from float32 in the backend
        if backend == "reference":
            raise ValueError("the reference computes in float64, not bfloat16")
        tensor = to_backend(array, backend, image, np.float32, kernel)
        if backend == "torch":
            import torch

            return tensor.to(torch.bfloat16)
        import tensorflow as tf

        return tf.cast(tensor, tf.bfloat16)
    array = np.array(array, dtype=dtype, order="C")  # keeps 0-d scalars 0-d
    if backend == "reference":
        return array
    if backend == "torch":
        import torch

        tensor = torch.from_numpy(array.copy())
        if kernel:
            return tensor.permute(3, 2, 0, 1).contiguous()
        return tensor.permute(0, 3, 1, 2).contiguous() if image else tensor
    import tensorflow as tf

    return tf.constant(array)


def to_numpy(
    value: Any, backend: str, image: bool | Sequence[bool], kernel: bool = False
) -> np.ndarray | tuple[np.ndarray, ...]:
    """A backend result as a NumPy array in the reference layout (a tuple for a tuple/list
    result, with ``image`` one bool for all elements or one per element)."""
    if isinstance(value, (list, tuple)):
        flags = [image] * len(value) if isinstance(image, bool) else list(image)
        return tuple(to_numpy(v, backend, f, kernel) for v, f in zip(value, flags, strict=True))
    if backend == "torch" and _is_bf16(value):
        value = value.float()  # NumPy has no bfloat16
    if backend == "torch" and kernel:
        return value.detach().permute(2, 3, 1, 0).cpu().numpy()
    if backend == "torch":
        value = value.detach()
        if image:
            value = value.permute(0, 2, 3, 1)
        return value.cpu().numpy()
    if backend == "tf":
        return np.asarray(value.numpy())
    return np.asarray(value)


def _is_bf16(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor) and value.dtype == torch.bfloat16


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


def _tensors(
    backend: str,
    args: Sequence[Any],
    image_args: Sequence[int],
    kernel_args: Sequence[int],
    dtype: Any,
) -> list[Any]:
    return [
        to_backend(a, backend, i in image_args, dtype, i in kernel_args) for i, a in enumerate(args)
    ]


def _cast64(array: Any, dtype: Any) -> Any:
    if isinstance(array, (list, tuple)):
        return [_cast64(a, dtype) for a in array]
    if dtype == "bfloat16":  # rounded by torch (NumPy has no bfloat16)
        import torch

        return torch.from_numpy(np.asarray(array, np.float64)).bfloat16().double().numpy()
    return np.asarray(array, dtype=dtype).astype(np.float64)


def run(
    backend: str,
    fn: str,
    *args: np.ndarray,
    image_args: Sequence[int] = (0, 1),
    image_output: bool | Sequence[bool] = False,
    dtype: Any = np.float64,
    kernel_args: Sequence[int] = (),
    **kwargs: Any,
) -> np.ndarray | tuple[np.ndarray, ...]:
    """Run ``faceloss.<backend>.<fn>(*args, **kwargs)`` and return a NumPy result (NHWC)."""
    tensors = _tensors(backend, args, image_args, kernel_args, dtype)
    result = _resolve(backend, fn)(*tensors, **_kwargs(backend, kwargs))
    return to_numpy(result, backend, image_output)


def run_all(
    fn: str,
    *args: np.ndarray,
    image_args: Sequence[int] = (0, 1),
    image_output: bool | Sequence[bool] = False,
    dtype: Any = np.float64,
    backends: Sequence[str] = BACKENDS,
    kernel_args: Sequence[int] = (),
    **kwargs: Any,
) -> dict[str, Any]:
    """:func:`run` in every backend. The reference always computes in float64 on the inputs
    cast to ``dtype`` first, so differences measure the backend, not the input rounding."""
    out = {}
    for backend in backends:
        if backend == "reference":
            cast = [_cast64(a, dtype) for a in args]
            out[backend] = run(
                backend,
                fn,
                *cast,
                image_args=image_args,
                image_output=image_output,
                dtype=np.float64,
                kernel_args=kernel_args,
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
                kernel_args=kernel_args,
                **kwargs,
            )
    return out


def assert_backends_match_reference(
    fn: str,
    *args: np.ndarray,
    dtype: Any = np.float64,
    image_args: Sequence[int] = (0, 1),
    image_output: bool | Sequence[bool] = False,
    kernel_args: Sequence[int] = (),
    table: dict[str, dict[str, float]] = TOLERANCES,
    **kwargs: Any,
) -> dict[str, Any]:
    """Run ``fn`` everywhere and assert torch and TF equal the reference within tolerance
    (every element of a tuple result); ``table`` is a named table of tolerances.py."""
    out = run_all(
        fn,
        *args,
        dtype=dtype,
        image_args=image_args,
        image_output=image_output,
        kernel_args=kernel_args,
        **kwargs,
    )
    for backend in ("torch", "tf"):
        results, expected = out[backend], out["reference"]
        if not isinstance(expected, tuple):
            results, expected = (results,), (expected,)
        assert len(results) == len(expected), f"{fn} {backend}: {len(results)} outputs"
        for i, (actual, wanted) in enumerate(zip(results, expected, strict=True)):
            what = f"{fn} {backend} vs reference" + (f" (output {i})" if len(expected) > 1 else "")
            assert_close(actual, wanted, dtype, what, table)
    return out


def _weighted_total(backend: str, out: Any, weights: Any, image_output: Any) -> Any:
    """``sum(weights * out)`` over every output (a tuple result sums its elements' totals);
    ``weights`` are NumPy arrays in the reference layout (NHWC for image outputs)."""
    outs = tuple(out) if isinstance(out, (list, tuple)) else (out,)
    if weights is None:
        ws: Sequence[Any] = (None,) * len(outs)
    else:
        ws = tuple(weights) if isinstance(out, (list, tuple)) else (weights,)
    flags = [image_output] * len(outs) if isinstance(image_output, bool) else list(image_output)
    total = 0
    for o, w, image in zip(outs, ws, flags, strict=True):
        if backend == "torch":
            import torch

            if w is None:
                w = torch.ones_like(o)
            else:
                w = torch.as_tensor(np.asarray(w), dtype=o.dtype)
                w = w.permute(0, 3, 1, 2) if image else w
            total = total + (o * w).sum()
        else:
            import tensorflow as tf

            w = tf.ones_like(o) if w is None else tf.constant(w, dtype=o.dtype)
            total = total + tf.reduce_sum(o * w)
    return total


def gradient(
    backend: str,
    fn: str,
    *args: np.ndarray,
    wrt: int = 0,
    image_args: Sequence[int] = (0, 1),
    dtype: Any = np.float64,
    weights: Any = None,
    image_output: bool | Sequence[bool] = False,
    kernel_args: Sequence[int] = (),
    **kwargs: Any,
) -> Any:
    """Gradient of ``sum(weights * fn(*args))`` with respect to ``args[wrt]`` (NHWC if image,
    Keras layout if a kernel; a list of arrays if ``args[wrt]`` is a list).

    ``weights`` (same shape as the output in the reference layout, one per element of a
    tuple result; default ones) make the check sensitive to every output element, not only
    their sum. ``image_output`` says which outputs are images (NHWC weights transposed for
    torch)."""
    tensors = _tensors(backend, args, image_args, kernel_args, dtype)
    func = _resolve(backend, fn)
    target = tensors[wrt]
    sources = list(target) if isinstance(target, list) else [target]
    image, kernel = wrt in image_args, wrt in kernel_args
    if backend == "torch":
        import torch

        for t in sources:
            t.requires_grad_(True)
        out = func(*tensors, **_kwargs(backend, kwargs))
        total = _weighted_total(backend, out, weights, image_output)
        grads = torch.autograd.grad(total, sources)
        result = [to_numpy(g, backend, image, kernel) for g in grads]
    elif backend == "tf":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            for t in sources:
                tape.watch(t)
            out = func(*tensors, **kwargs)
            total = _weighted_total(backend, out, weights, image_output)
        result = [to_numpy(g, backend, False) for g in tape.gradient(total, sources)]
    else:
        raise ValueError(f"gradients are compared for 'torch' and 'tf', not {backend!r}")
    return result if isinstance(target, list) else result[0]


def assert_gradients_match(
    fn: str,
    *args: np.ndarray,
    dtype: Any = np.float64,
    table: dict[str, dict[str, float]] = GRADIENT_TOLERANCES,
    **kwargs: Any,
) -> tuple[Any, Any]:
    """Assert torch and TF gradients agree (and are finite); returns (torch, tf) gradients
    (lists of arrays when the argument differentiated is a list)."""
    g_torch = gradient("torch", fn, *args, dtype=dtype, **kwargs)
    g_tf = gradient("tf", fn, *args, dtype=dtype, **kwargs)
    pairs = zip(g_torch, g_tf, strict=True) if isinstance(g_torch, list) else [(g_torch, g_tf)]
    for i, (a, b) in enumerate(pairs):
        assert np.isfinite(a).all(), f"{fn}: non-finite torch gradient ({i})"
        assert np.isfinite(b).all(), f"{fn}: non-finite TF gradient ({i})"
        assert_close(b, a, dtype, f"{fn} gradient TF vs torch ({i})", table)
    return g_torch, g_tf
