"""The base of faceloss' public Keras layers: nested lists are inputs too."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


class Layer(keras.layers.Layer):
    """``keras.layers.Layer`` that converts a positional input given as (nested) lists of
    numbers to a tensor before Keras sees it, as the functional forms do, and refuses
    ``None`` and strings with a TypeError naming the input (``input_name``); Keras would
    say "Only input tensors may be passed as positional arguments"."""

    input_name = "inputs"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = tuple(self._as_input(a) for a in args)
        return super().__call__(*args, **kwargs)

    def _as_input(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, bytes)):
            raise TypeError(
                f"{self.input_name} must be a floating-point tensor, got {type(value).__name__}"
            )
        if not isinstance(value, (list, tuple)) or any(
            tf.is_tensor(v) or isinstance(v, keras.KerasTensor) for v in value
        ):
            return value  # tensors, arrays, lists of tensors: Keras' business
        try:
            return tf.convert_to_tensor(value)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{self.input_name} must be a tensor, a NumPy array or nested lists of "
                f"numbers, got a {type(value).__name__} TensorFlow cannot convert ({error})"
            ) from None
