"""The half-precision rule, shared by every backend (names of float dtypes, no tensors).

Losses, metrics and filters compute in at least float32: float16 and bfloat16 inputs
are upcast to float32 for the computation and the result is cast back (as piq and
torchmetrics do). Two inputs of different float dtypes are computed in the wider one
(float16 with bfloat16: float32), and the result has that dtype. float32 and float64
inputs compute in their own dtype. Layers with weights (EdgeBlock, the identity
networks) compute in their weights' dtype instead (see ``docs/conventions.rst``).
"""

from __future__ import annotations

HALF_DTYPES = ("float16", "bfloat16")
_RANK = {"float16": 0, "bfloat16": 0, "float32": 1, "float64": 2}


def result_dtype_name(*names: str) -> str:
    """The dtype of a result computed from inputs of the float dtypes ``names``.

    Example:
        >>> result_dtype_name("float16"), result_dtype_name("float32", "float64")
        ('float16', 'float64')
        >>> result_dtype_name("float16", "bfloat16")
        'float32'
    """
    widest = max(names, key=lambda name: _RANK.get(name, 1))
    if widest in HALF_DTYPES and any(name != widest for name in names):
        return "float32"
    return widest


def compute_dtype_name(result: str) -> str:
    """The dtype a result of dtype ``result`` is computed in: at least float32.

    Example:
        >>> compute_dtype_name("bfloat16"), compute_dtype_name("float64")
        ('float32', 'float64')
    """
    return "float32" if result in HALF_DTYPES else result
