"""The base of every faceloss Keras loss."""

from __future__ import annotations

import keras


class Loss(keras.losses.Loss):
    """``keras.losses.Loss`` whose ``get_config`` keeps ``dtype``.

    Keras' own ``Loss.get_config`` returns only ``name`` and ``reduction``, so a loss
    built with ``dtype="float64"`` would come back from ``from_config`` as float32.
    Subclasses add their own arguments to ``super().get_config()``.
    """

    def get_config(self) -> dict:
        return {**super().get_config(), "dtype": self.dtype}
