"""The ``reduction`` step shared by the torch losses."""

from __future__ import annotations

import torch

from faceloss.spec import REDUCTIONS
from faceloss.torch._checks import check_choice


def reduce(values: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply ``"mean"`` (mean of all elements), ``"sum"`` or ``"none"`` (unchanged)."""
    check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values
