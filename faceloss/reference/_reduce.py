"""The ``reduction`` step shared by the NumPy losses."""

from __future__ import annotations

import numpy as np

from faceloss.reference._checks import check_choice
from faceloss.spec import REDUCTIONS


def reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    """Apply ``"mean"`` (mean of all elements), ``"sum"`` or ``"none"`` (unchanged)."""
    check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return np.asarray(values.mean())
    if reduction == "sum":
        return np.asarray(values.sum())
    return values
