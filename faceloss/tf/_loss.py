"""The base of every faceloss Keras loss."""

from __future__ import annotations

import keras
import tensorflow as tf

from faceloss.tf._checks import check_keras_argument


class Loss(keras.losses.Loss):
    """``keras.losses.Loss`` whose ``get_config`` keeps ``dtype``.

    Keras' own ``Loss.get_config`` returns only ``name`` and ``reduction``, so a loss
    built with ``dtype="float64"`` would come back from ``from_config`` as float32.
    Subclasses add their own arguments to ``super().get_config()``.
    """

    def __call__(
        self, y_true: tf.Tensor, y_pred: tf.Tensor, sample_weight: tf.Tensor | None = None
    ) -> tf.Tensor:
        """Refuse ``None``, strings and integer tensors before Keras casts them to floats."""
        y_true = check_keras_argument(y_true, "target (y_true)")
        y_pred = check_keras_argument(y_pred, "prediction (y_pred)")
        return super().__call__(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {**super().get_config(), "dtype": self.dtype}
