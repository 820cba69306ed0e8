"""RGB -> YUV conversion and the luminance-chrominance loss (paper section 3.3, eqs. 7-8)."""

from __future__ import annotations

import keras
import tensorflow as tf

from faceloss.spec import REDUCTIONS, YUV_FROM_RGB
from faceloss.tf._checks import check_choice, check_finite, check_image, check_same_shape
from faceloss.tf._loss import Loss
from faceloss.tf._precision import at_least_float32
from faceloss.tf._reduce import reduce


def _rgb_to_yuv(image: tf.Tensor) -> tf.Tensor:
    matrix = tf.constant(YUV_FROM_RGB.T, dtype=image.dtype)  # (rgb, yuv)
    return tf.tensordot(image, matrix, axes=[[3], [0]])


def rgb_to_yuv(image: tf.Tensor) -> tf.Tensor:
    r"""Convert RGB images to YUV with the analog BT.601 matrix of eq. 7.

    .. math::
        [Y, U, V]^T = M [R, G, B]^T, \quad M = \texttt{faceloss.spec.YUV\_FROM\_RGB}

    Args:
        image: RGB images, shape :math:`(N, H, W, 3)`, floats, usually in [0, 1].

    Returns:
        YUV images, shape :math:`(N, H, W, 3)`, same dtype; for RGB in [0, 1],
        Y is in [0, 1], U in [-0.436, 0.436] and V in [-0.615, 0.615].

    Raises:
        TypeError: ``image`` is not a floating-point tensor.
        ValueError: ``image`` is not a non-empty 4-D batch with 3 channels.

    Example:
        >>> import tensorflow as tf
        >>> white = tf.ones((1, 4, 4, 3))
        >>> rgb_to_yuv(white).shape
        TensorShape([1, 4, 4, 3])
        >>> float(rgb_to_yuv(white)[0, 0, 0, 0])
        1.0
    """
    image = check_image(image, "image")
    (image,), dtype = at_least_float32(image)
    return tf.cast(_rgb_to_yuv(image), dtype)


def luminance_chrominance_loss(
    prediction: tf.Tensor, target: tf.Tensor, reduction: str = "mean"
) -> tf.Tensor:
    r"""Luminance-chrominance error: squared error between the YUV images (eq. 8).

    .. math::
        L_{lc} = \frac{1}{3 N H W} \sum_{n, c \in \{Y,U,V\}, x, y}
                 \left(M(\hat I)_{n,c,x,y} - M(I)_{n,c,x,y}\right)^2

    With ``reduction="mean"`` this is the mean over the batch, the pixels *and* the
    three YUV channels. Eq. 8 as printed divides by :math:`wh` only, i.e. it is 3x
    this value per image; the factor is a constant rescaling of the loss weight.

    Args:
        prediction: predicted RGB images :math:`(N, H, W, 3)`, floats (usually [0, 1]).
        target: ground-truth RGB images, same shape as ``prediction``.
        reduction: ``"mean"`` (scalar mean over all N*H*W*3 squared YUV differences),
            ``"sum"`` (scalar sum of them) or ``"none"`` (the squared differences
            themselves, shape :math:`(N, H, W, 3)` in Y, U, V order).

    Returns:
        A tensor of shape ``()`` for "mean"/"sum", :math:`(N, H, W, 3)` for "none".

    Raises:
        TypeError: an input is not a floating-point tensor.
        ValueError: bad rank, channel count, empty batch, shape mismatch, an unknown
            ``reduction``, or NaN/Inf in an input (while value checks are on, eagerly;
            with them off or inside a graph, NaN propagates to the result).

    Example:
        >>> import tensorflow as tf
        >>> target = tf.zeros((2, 8, 8, 3))
        >>> prediction = target + tf.constant([0.1, 0.0, 0.0])  # red shifted by 0.1
        >>> round(float(luminance_chrominance_loss(prediction, target)), 6)
        0.001631
    """
    prediction = check_image(prediction, "prediction")
    target = check_image(target, "target")
    check_same_shape(prediction, "prediction", target, "target")
    check_choice("reduction", reduction, REDUCTIONS)
    check_finite(prediction, "prediction")
    check_finite(target, "target")
    # The matrix is linear: convert the difference once instead of both images.
    (prediction, target), dtype = at_least_float32(prediction, target)
    difference = _rgb_to_yuv(prediction - target)
    return tf.cast(reduce(tf.square(difference), reduction), dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class LuminanceChrominanceLoss(Loss):
    r"""Luminance-chrominance error (eq. 8) as a loss object; see :func:`luminance_chrominance_loss`.

    ``call(y_true, y_pred)`` follows Keras' argument order (imposed by ``fit``) and
    forwards by keyword to ``luminance_chrominance_loss(prediction=y_pred,
    target=y_true)``. Per sample it returns the mean over the pixels and the three
    YUV channels; Keras' ``reduction`` then combines the samples (the default
    ``"sum_over_batch_size"`` gives the same number as the torch loss' ``"mean"``).

    Args:
        reduction: a Keras reduction: ``"sum_over_batch_size"`` (default), ``"sum"``,
            ``"mean"``, ``"mean_with_sample_weight"`` or ``None`` (per-sample values).
        name: the loss name.
        dtype: the dtype of the computation (Keras' default float type if ``None``).

    Shape:
        - y_true: :math:`(N, H, W, 3)`, RGB floats, usually [0, 1].
        - y_pred: :math:`(N, H, W, 3)`.
        - output: scalar, or :math:`(N,)` for ``reduction=None``.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> loss = LuminanceChrominanceLoss()
        >>> y_true = tf.zeros((2, 8, 8, 3))
        >>> y_pred = y_true + tf.constant([0.1, 0.0, 0.0])
        >>> round(float(loss(y_true, y_pred)), 6)
        0.001631
        >>> restored = keras.losses.deserialize(keras.losses.serialize(loss))
        >>> type(restored).__name__
        'LuminanceChrominanceLoss'
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "luminance_chrominance_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
        squared = luminance_chrominance_loss(prediction=y_pred, target=y_true, reduction="none")
        return tf.reduce_mean(squared, axis=[1, 2, 3])
