"""Backend-free resampling weights: bilinear, antialiased when shrinking (PIL / torch ``antialias=True``).

Both backends resize by two small matrix products with the same float64 matrices,
so torch and TF resize identically (``tf.image.resize`` and ``F.interpolate`` differ
in their antialiasing details).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=64)
def resize_weights(
    in_size: int, out_size: int, start: float = 0.0, length: float | None = None
) -> np.ndarray:
    r"""The :math:`(out, in)` matrix of 1-D bilinear resampling, antialiased when shrinking.

    Output sample :math:`i` sits at :math:`c_i = a + (i + \tfrac12)\,s` with
    :math:`s = L / out` for the source window :math:`[a, a + L)` (by default the whole
    input, :math:`a = 0, L = in`: half-pixel centres, like ``align_corners=False``); its weights
    are the triangle filter :math:`\max(0, 1 - |j + \tfrac12 - c_i| / \sigma)` over the
    input samples :math:`j`, with :math:`\sigma = \max(s, 1)` (so shrinking averages
    every input pixel, enlarging is plain bilinear), normalised to sum to 1 over the
    samples inside the image (edges are not padded). This is PIL's ``BILINEAR`` and
    torch's ``interpolate(mode="bilinear", antialias=True)``.

    Args:
        in_size: input length (>= 1).
        out_size: output length (>= 1).
        start: where the source window begins, in input pixels (a crop; default 0).
        length: the window's length in input pixels (default ``in_size - start``); the
            window must lie inside ``[0, in_size]``.

    Returns:
        Read-only float64 array of shape :math:`(out, in)`, rows summing to 1.

    Example:
        >>> resize_weights(4, 2)
        array([[0.42857143, 0.42857143, 0.14285714, 0.        ],
               [0.        , 0.14285714, 0.42857143, 0.42857143]])
        >>> resize_weights(3, 3)
        array([[1., 0., 0.],
               [0., 1., 0.],
               [0., 0., 1.]])
    """
    for name, value in (("in_size", in_size), ("out_size", out_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    length = in_size - start if length is None else length
    if not (0.0 <= start and length > 0.0 and start + length <= in_size + 1e-9):
        raise ValueError(
            f"the source window [{start:g}, {start + length:g}) must lie inside [0, {in_size}]"
        )
    scale = length / out_size
    support = max(scale, 1.0)
    centres = start + (np.arange(out_size, dtype=np.float64) + 0.5) * scale
    taps = np.arange(in_size, dtype=np.float64) + 0.5
    weights = np.clip(1.0 - np.abs(taps[None, :] - centres[:, None]) / support, 0.0, None)
    weights /= weights.sum(axis=1, keepdims=True)
    weights.setflags(write=False)
    return weights
