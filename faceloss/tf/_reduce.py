"""The ``reduction`` step shared by the TensorFlow loss functions."""

from __future__ import annotations

import tensorflow as tf

from faceloss.spec import REDUCTIONS
from faceloss.tf._checks import check_choice


def reduce(values: tf.Tensor, reduction: str) -> tf.Tensor:
    """Apply ``"mean"`` (mean of all elements), ``"sum"`` or ``"none"`` (unchanged)."""
    check_choice("reduction", reduction, REDUCTIONS)
    if reduction == "mean":
        return tf.reduce_mean(values)
    if reduction == "sum":
        return tf.reduce_sum(values)
    return values
