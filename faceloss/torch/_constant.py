"""Small constant tensors made once per dtype and device (no host-to-device copy per call)."""

from __future__ import annotations

from functools import lru_cache

import torch

Values = tuple[float, ...] | tuple[tuple[float, ...], ...]


@lru_cache(maxsize=64)
def _cached(values: Values, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    with torch.inference_mode(False), torch.no_grad():
        return torch.tensor(values, dtype=dtype, device=device)


def constant(values: Values, like: torch.Tensor) -> torch.Tensor:
    """``values`` (a tuple, or a tuple of tuples, of floats) with ``like``'s dtype and device.

    Eagerly the tensor is made once per dtype and device: making it per call would be a
    host-to-device copy, which synchronises the CUDA stream at every loss call. It is
    made outside inference mode, so a first call under ``torch.inference_mode()`` does
    not break later autograd calls. Under ``torch.compile`` it is a traced constant.
    """
    if torch.compiler.is_compiling():
        return torch.tensor(values, dtype=like.dtype, device=like.device)
    return _cached(values, like.dtype, like.device)
