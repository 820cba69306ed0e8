"""Convolution kernel layouts: torch ``(out, in, kh, kw)`` and Keras ``(kh, kw, in, out)``."""

from __future__ import annotations

import numpy as np

from faceloss import _validation as v


def _kernel(kernel: object, name: str) -> np.ndarray:
    array = np.asarray(kernel)
    if array.ndim != 4:
        raise ValueError(
            f"{name} must be a 4-D convolution kernel, got {array.ndim}-D shape {array.shape}"
        )
    v.check_floating(name, np.issubdtype(array.dtype, np.floating), array.dtype)
    return array


def conv_kernel_torch_to_keras(weight: np.ndarray) -> np.ndarray:
    """Reorder a torch ``Conv2d.weight`` ``(out, in, kh, kw)`` into a Keras ``Conv2D.kernel``.

    Args:
        weight: a float array of shape :math:`(O, I, K_h, K_w)`.

    Returns:
        A contiguous copy of shape :math:`(K_h, K_w, I, O)`, same dtype.

    Raises:
        TypeError: ``weight`` is not floating point.
        ValueError: ``weight`` is not 4-D.

    Example:
        >>> import numpy as np
        >>> conv_kernel_torch_to_keras(np.zeros((1, 64, 1, 1))).shape
        (1, 1, 64, 1)
    """
    return np.ascontiguousarray(_kernel(weight, "weight").transpose(2, 3, 1, 0))


def conv_kernel_keras_to_torch(kernel: np.ndarray) -> np.ndarray:
    """Reorder a Keras ``Conv2D.kernel`` ``(kh, kw, in, out)`` into a torch ``Conv2d.weight``.

    Args:
        kernel: a float array of shape :math:`(K_h, K_w, I, O)`.

    Returns:
        A contiguous copy of shape :math:`(O, I, K_h, K_w)`, same dtype.

    Raises:
        TypeError: ``kernel`` is not floating point.
        ValueError: ``kernel`` is not 4-D.

    Example:
        >>> import numpy as np
        >>> conv_kernel_keras_to_torch(np.zeros((1, 1, 64, 1))).shape
        (1, 64, 1, 1)
    """
    return np.ascontiguousarray(_kernel(kernel, "kernel").transpose(3, 2, 0, 1))
