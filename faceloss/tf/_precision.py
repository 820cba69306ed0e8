"""The half-precision rule (:mod:`faceloss._precision`) for TF tensors."""

from __future__ import annotations

import tensorflow as tf

from faceloss import _precision as rule


def at_least_float32(*tensors: tf.Tensor) -> tuple[tuple[tf.Tensor, ...], tf.DType]:
    """``tensors`` cast to their common compute dtype (at least float32), and the dtype
    the result is returned in (the inputs' common dtype; float32 for float16 + bfloat16).

    Example:
        >>> import tensorflow as tf
        >>> (x,), out = at_least_float32(tf.zeros(2, tf.float16))
        >>> x.dtype.name, out.name
        ('float32', 'float16')
    """
    result = tf.as_dtype(rule.result_dtype_name(*(t.dtype.name for t in tensors)))
    compute = tf.as_dtype(rule.compute_dtype_name(result.name))
    return tuple(tf.cast(t, compute) for t in tensors), result
