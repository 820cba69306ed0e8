"""The half-precision rule (:mod:`faceloss._precision`) for torch tensors."""

from __future__ import annotations

import torch

from faceloss import _precision as rule


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def at_least_float32(*tensors: torch.Tensor) -> tuple[tuple[torch.Tensor, ...], torch.dtype]:
    """``tensors`` cast to their common compute dtype (at least float32), and the dtype
    the result is returned in (the inputs' common dtype; float32 for float16 + bfloat16).

    Example:
        >>> import torch
        >>> (x,), out = at_least_float32(torch.zeros(2, dtype=torch.float16))
        >>> x.dtype, out
        (torch.float32, torch.float16)
    """
    result = getattr(torch, rule.result_dtype_name(*(_name(t.dtype) for t in tensors)))
    compute = getattr(torch, rule.compute_dtype_name(_name(result)))
    return tuple(t.to(compute) for t in tensors), result
