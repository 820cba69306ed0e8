"""EdgeBlock: high-frequency features as features minus their local average (paper 3.1, Fig. 3).

The average pooling follows TensorFlow's ``padding="SAME"`` rule with stride 1: the
output has the input's size; a window of ``s`` pixels covers ``(s - 1) // 2`` pixels
before the centre pixel and ``s // 2`` after it (4 before and 5 after for ``s = 10``);
pixels outside the image are *excluded* from the average, so every output is the mean
of the input pixels its window covers.
"""

from __future__ import annotations

import numpy as np

from faceloss._padding import same_padding
from faceloss.reference._checks import (
    as_float_array,
    check_bool,
    check_image,
    check_int,
    check_shape,
)
from faceloss.spec import EDGE_BLOCK_RELU


def avg_pool_same(features: np.ndarray, pool_size: int) -> np.ndarray:
    r"""Stride-1 average pooling with TensorFlow 'SAME' padding excluded from the average.

    .. math::
        S_{n,i,j,c} = \frac{1}{|W_{ij}|} \sum_{(k, l) \in W_{ij}} F_{n,k,l,c}, \quad
        W_{ij} = \{i - b, \dots, i + a\} \times \{j - b, \dots, j + a\}
                 \cap \{0..H-1\} \times \{0..W-1\}

    with :math:`(b, a) = ((s - 1) // 2, s // 2)` (TensorFlow's split of the
    :math:`s - 1` padding pixels; 4 before and 5 after for :math:`s = 10`). This is
    ``tf.nn.avg_pool2d(features, s, 1, "SAME")``; it is defined for any size, also
    smaller than the window (a 1x1 image is its own average).

    Args:
        features: feature maps :math:`(N, H, W, C)`, floats.
        pool_size: window size :math:`s \ge 1` (the paper uses 5, 7 and 10).

    Returns:
        The local averages, :math:`(N, H, W, C)`, float64.

    Raises:
        TypeError: ``features`` is not a floating-point array or ``pool_size`` not an int.
        ValueError: ``features`` is not a non-empty 4-D batch, or ``pool_size < 1``.

    Example:
        >>> import numpy as np
        >>> row = np.arange(6.0).reshape(1, 1, 6, 1)
        >>> avg_pool_same(row, 4)[0, 0, :, 0]  # windows [j-1, j+2] clipped to the image
        array([1. , 1.5, 2.5, 3.5, 4. , 4.5])
    """
    features = check_image(features, "features", channels=None)
    before, after = same_padding(pool_size)
    x = features.astype(np.float64)
    _, h, w, _ = x.shape
    padding = ((0, 0), (before, after), (before, after), (0, 0))
    padded = np.pad(x, padding)
    inside = np.pad(np.ones((1, h, w, 1)), padding)  # 1 on the image, 0 on the padding
    total = np.zeros_like(x)
    count = np.zeros((1, h, w, 1))
    for dy in range(pool_size):  # a loop over window offsets (s*s slices), not over pixels
        for dx in range(pool_size):
            total += padded[:, dy : dy + h, dx : dx + w]
            count += inside[:, dy : dy + h, dx : dx + w]
    return total / count


def edge_block(
    features: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    pool_size: int,
    relu: bool = EDGE_BLOCK_RELU,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The EdgeBlock of Fig. 3: features, their high-frequency part and a 1-channel edge map.

    .. math::
        D = F - \mathrm{avgpool}_s(F) \quad (\text{or } \max(F - \mathrm{avgpool}_s(F), 0)
        \text{ with } \texttt{relu}), \qquad
        E = \sum_c w_c D_{\cdot,\cdot,\cdot,c} + b

    :math:`\mathrm{avgpool}_s` is :func:`avg_pool_same` (stride 1, TensorFlow 'SAME'
    padding, padding not counted). :math:`E` is the edge map compared with the Canny
    target in eq. 3; :math:`[F, D]` feeds the next residual block (Table 1).

    Args:
        features: feature maps :math:`F`, :math:`(N, H, W, C)`, floats.
        weight: the 1x1 convolution kernel in Keras layout ``(kh, kw, in, out)`` =
            :math:`(1, 1, C, 1)`.
        bias: the convolution bias, shape :math:`(1,)`, or ``None`` for none.
        pool_size: average-pooling window :math:`s \ge 1` (paper: 5, 7, 10).
        relu: apply a ReLU to :math:`D` (the official code's variant; the paper has none).
            The rectified :math:`D` is both concatenated and convolved.

    Returns:
        ``(concat, edge)``: ``concat`` is :math:`[F, D]` along the channel axis,
        :math:`(N, H, W, 2C)` with the C input channels first, then the C channels of
        :math:`D`; ``edge`` is :math:`(N, H, W, 1)`. Both float64.

    Raises:
        TypeError: a non-float array, a non-int ``pool_size`` or a non-bool ``relu``.
        ValueError: ``features`` is not a non-empty 4-D batch, ``pool_size < 1``, or
            ``weight``/``bias`` do not have the shapes above.

    Example:
        >>> import numpy as np
        >>> features = np.zeros((1, 5, 5, 2))
        >>> features[0, 2, 2, :] = 1.0  # one bright pixel
        >>> weight = np.ones((1, 1, 2, 1))
        >>> concat, edge = edge_block(features, weight, np.zeros(1), pool_size=3)
        >>> concat.shape, edge.shape
        ((1, 5, 5, 4), (1, 5, 5, 1))
        >>> round(float(edge[0, 2, 2, 0]), 4)  # 2 channels * (1 - 1/9)
        1.7778
    """
    weight = as_float_array(weight, "weight")
    check_shape(weight, "weight", (1, 1, None, 1), "(kh, kw, in, out)")
    features = check_image(features, "features", channels=weight.shape[2])
    pool_size = check_int("pool_size", pool_size)
    relu = check_bool("relu", relu)
    if bias is not None:
        bias = as_float_array(bias, "bias")
        check_shape(bias, "bias", (1,), "(out,)")
    x = features.astype(np.float64)
    difference = x - avg_pool_same(x, pool_size)
    if relu:
        difference = np.maximum(difference, 0.0)
    edge = np.einsum("nhwc,co->nhwo", difference, weight[0, 0].astype(np.float64))
    if bias is not None:
        edge = edge + bias.astype(np.float64)
    return np.concatenate([x, difference], axis=3), edge
