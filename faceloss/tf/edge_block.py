"""EdgeBlock: high-frequency features as features minus their local average (paper 3.1, Fig. 3).

The average pooling has the values of TensorFlow's ``avg_pool2d(..., padding="SAME")``
with stride 1, which excludes the padding from the average and pads even windows
asymmetrically (4 before, 5 after for ``s = 10``). It is computed from an explicit
padding and a window sum because TensorFlow's own gradient of 'SAME' average pooling is
wrong for some even windows wider than the map (tested in the parity tests).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from faceloss import _validation as v
from faceloss._padding import same_padding
from faceloss.spec import EDGE_BLOCK_RELU
from faceloss.tf._checks import check_bool, check_image, check_int, check_shape, check_tensor
from faceloss.tf._layer import Layer
from faceloss.tf._precision import at_least_float32


def _variable_value(x: object) -> object:
    """A Keras variable's value (cast to the compute dtype under mixed precision)."""
    return x.value if isinstance(x, keras.Variable) else x


def _window_counts(size: tf.Tensor, pool_size: int, dtype: tf.DType) -> tf.Tensor:
    """Pixels of the image inside each position's clipped 'SAME' window along one axis."""
    before, after = same_padding(pool_size)
    index = tf.range(size)
    return tf.cast(tf.minimum(index + after, size - 1) - tf.maximum(index - before, 0) + 1, dtype)


def _avg_pool_same(features: tf.Tensor, pool_size: int) -> tf.Tensor:
    # Explicit zero padding, a VALID window sum and a division by the in-image pixel count:
    # the values of avg_pool2d(..., "SAME"), whose gradient (AvgPoolGrad, TF 2.21) is wrong
    # for some even windows wider than the map (e.g. s = 10 on a width of 7).
    height, width = features.shape[1], features.shape[2]
    if height is not None and width is not None:
        # From 2 max(H, W) + 1 on, every window covers the whole map: a wider one gives the
        # same averages, so it is clamped (s = 10**6 would pad a million pixels per side).
        pool_size = min(pool_size, 2 * max(height, width) + 1)
    before, after = same_padding(pool_size)
    padded = tf.pad(features, [[0, 0], [before, after], [before, after], [0, 0]])
    total = tf.nn.avg_pool2d(padded, ksize=pool_size, strides=1, padding="VALID") * float(
        pool_size * pool_size
    )
    shape = tf.shape(features)
    rows = _window_counts(shape[1], pool_size, features.dtype)
    cols = _window_counts(shape[2], pool_size, features.dtype)
    return total / (rows[:, None] * cols[None, :])[None, :, :, None]


def avg_pool_same(features: tf.Tensor, pool_size: int) -> tf.Tensor:
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
        The local averages, :math:`(N, H, W, C)`, same dtype.

    Raises:
        TypeError: ``features`` is not a floating-point tensor or ``pool_size`` not an int.
        ValueError: ``features`` is not a non-empty 4-D batch, or ``pool_size < 1``.

    Example:
        >>> import tensorflow as tf
        >>> row = tf.reshape(tf.range(6.0), (1, 1, 6, 1))
        >>> avg_pool_same(row, 4)[0, 0, :, 0].numpy()  # windows [j-1, j+2] clipped
        array([1. , 1.5, 2.5, 3.5, 4. , 4.5], dtype=float32)
    """
    features = check_image(features, "features", channels=None)
    pool_size = check_int("pool_size", pool_size)
    (features,), dtype = at_least_float32(features)
    return tf.cast(_avg_pool_same(features, pool_size), dtype)


def edge_block(
    features: tf.Tensor,
    weight: tf.Tensor,
    bias: tf.Tensor | None,
    pool_size: int,
    relu: bool = EDGE_BLOCK_RELU,
) -> tuple[tf.Tensor, tf.Tensor]:
    r"""The EdgeBlock of Fig. 3: features, their high-frequency part and a 1-channel edge map.

    .. math::
        D = F - \mathrm{avgpool}_s(F) \quad (\text{or } \max(F - \mathrm{avgpool}_s(F), 0)
        \text{ with } \texttt{relu}), \qquad
        E = \sum_c w_c D_{\cdot,\cdot,\cdot,c} + b

    :math:`\mathrm{avgpool}_s` is :func:`avg_pool_same` (stride 1, TensorFlow 'SAME'
    padding, padding not counted). :math:`E` is the edge map compared with the Canny
    target in eq. 3; :math:`[F, D]` feeds the next residual block (Table 1). No value
    checks run here (a layer in a network): NaN in ``features`` propagates.

    Args:
        features: feature maps :math:`F`, :math:`(N, H, W, C)`, floats.
        weight: the 1x1 convolution kernel in Keras layout ``(kh, kw, in, out)`` =
            :math:`(1, 1, C, 1)`, ``features``' dtype.
        bias: the convolution bias, shape :math:`(1,)`, or ``None`` for none.
        pool_size: average-pooling window :math:`s \ge 1` (paper: 5, 7, 10).
        relu: apply a ReLU to :math:`D` (the official code's variant; the paper has none).
            The rectified :math:`D` is both concatenated and convolved.

    Returns:
        ``(concat, edge)``: ``concat`` is :math:`[F, D]` along the channel axis,
        :math:`(N, H, W, 2C)` with the C input channels first, then the C channels of
        :math:`D`; ``edge`` is :math:`(N, H, W, 1)`.

    Raises:
        TypeError: a non-float tensor, ``weight``/``bias`` of another dtype than
            ``features``, a non-int ``pool_size`` or a non-bool ``relu``.
        ValueError: ``features`` is not a non-empty 4-D batch, ``pool_size < 1``, or
            ``weight``/``bias`` do not have the shapes above.

    Example:
        >>> import numpy as np
        >>> import tensorflow as tf
        >>> features = np.zeros((1, 5, 5, 2), dtype="float32")
        >>> features[0, 2, 2, :] = 1.0  # one bright pixel
        >>> weight = tf.ones((1, 1, 2, 1))
        >>> concat, edge = edge_block(features, weight, tf.zeros(1), pool_size=3)
        >>> concat.shape, edge.shape
        (TensorShape([1, 5, 5, 4]), TensorShape([1, 5, 5, 1]))
        >>> round(float(edge[0, 2, 2, 0]), 4)  # 2 channels * (1 - 1/9)
        1.7778
    """
    weight = check_tensor(_variable_value(weight), "weight")
    check_shape(weight, "weight", (1, 1, None, 1), "(kh, kw, in, out)")
    features = check_image(features, "features", channels=weight.shape[2])
    pool_size = check_int("pool_size", pool_size)
    relu = check_bool("relu", relu)
    v.check_same_dtype("features", features.dtype.name, "weight", weight.dtype.name)
    if bias is not None:
        bias = check_tensor(_variable_value(bias), "bias")
        check_shape(bias, "bias", (1,), "(out,)")
        v.check_same_dtype("features", features.dtype.name, "bias", bias.dtype.name)
    difference = features - _avg_pool_same(features, pool_size)
    if relu:
        difference = tf.nn.relu(difference)
    edge = tf.nn.conv2d(difference, weight, strides=1, padding="VALID")
    if bias is not None:
        edge = edge + bias
    return tf.concat([features, difference], axis=3), edge


@keras.saving.register_keras_serializable(package="faceloss")
class EdgeBlock(Layer):
    r"""The EdgeBlock of Fig. 3 as a Keras layer with a learnable 1x1 convolution; see :func:`edge_block`.

    ``call(features)`` returns ``(concat, edge)``: ``concat`` holds the input channels
    first, then the C high-frequency channels :math:`D = F - \mathrm{avgpool}_s(F)`;
    ``edge`` is the 1-channel map the edge loss (eq. 3) compares with the Canny target.
    The channel count C is inferred when the layer is built. The 1x1 convolution is the
    sublayer ``conv`` (``keras.layers.Conv2D(1, 1)``, Keras' default initialisation),
    named like :class:`faceloss.torch.EdgeBlock`'s ``conv`` so that
    :func:`faceloss.weights.copy_edge_block_weights` copies between them.

    Args:
        pool_size: average-pooling window s (paper: 5, 7, 10 at x2, x4, x8).
        relu: apply a ReLU to D (official code; default ``False`` as in the paper).
        **kwargs: Keras layer arguments (``name``, ``dtype``, ``trainable``).

    Shape:
        - features: :math:`(N, H, W, C)`, floats.
        - concat: :math:`(N, H, W, 2C)`.
        - edge: :math:`(N, H, W, 1)`.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> block = EdgeBlock(pool_size=10)
        >>> concat, edge = block(tf.random.uniform((2, 32, 32, 64)))
        >>> concat.shape, edge.shape
        (TensorShape([2, 32, 32, 128]), TensorShape([2, 32, 32, 1]))
        >>> block.get_config()["pool_size"], tuple(block.conv.kernel.shape)
        (10, (1, 1, 64, 1))
    """

    input_name = "features"

    def __init__(self, pool_size: int, relu: bool = EDGE_BLOCK_RELU, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.pool_size = check_int("pool_size", pool_size)
        self.relu = check_bool("relu", relu)
        self.conv = keras.layers.Conv2D(1, 1, name="conv", dtype=self.dtype_policy)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        v.check_image_shape("features", tuple(input_shape), "NHWC", channels=None)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(
                f"EdgeBlock needs a known channel count (last axis, NHWC) to build its 1x1 "
                f"convolution, got input shape {tuple(input_shape)}"
            )
        self.conv.build(tuple(input_shape))

    def call(self, features: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        return edge_block(features, self.conv.kernel, self.conv.bias, self.pool_size, self.relu)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[tuple[int | None, ...], tuple[int | None, ...]]:
        n, h, w, c = input_shape
        return (n, h, w, None if c is None else 2 * c), (n, h, w, 1)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "relu": self.relu}
