"""Peak signal-to-noise ratio, one value per image (paper section 4.3, Tables 5-8)."""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from faceloss.tf._checks import check_bool, check_data_range, check_metric_inputs
from faceloss.tf._luma import metric_channels
from faceloss.tf._metric import MeanMetric
from faceloss.tf._precision import at_least_float32


def psnr(
    prediction: tf.Tensor,
    target: tf.Tensor,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
) -> tf.Tensor:
    r"""Peak signal-to-noise ratio of each image pair, in dB.

    .. math::
        \mathrm{PSNR}_n = 10 \log_{10} \frac{L^2}{\frac{1}{CHW}\sum_{c,h,w}
        (\hat I_{n,c,h,w} - I_{n,c,h,w})^2}

    with :math:`L` = ``data_range``. The MSE is taken per image (over pixels and
    channels), so a batch mean of the result is the mean of per-image PSNRs, not
    kornia's/torchmetrics' default pooled-batch PSNR. Identical images give
    ``inf`` (as skimage's ``peak_signal_noise_ratio``; piq and pyiqa add an
    epsilon and give 80 dB): there is no cap, and the gradient there is NaN.

    Args:
        prediction: images :math:`(N, H, W, C)`, C = 1 or 3, floats in [0, data_range].
        target: reference images, same shape as ``prediction``.
        data_range: the images' maximum value L (1.0 for [0, 1], 255 for 8-bit levels).
        y_channel: compute on the BT.601 luma ``0.299 R + 0.587 G + 0.114 B``
            (RGB input only) instead of all channels.

    Returns:
        Tensor of shape :math:`(N,)` in the inputs' dtype, in dB; ``inf`` where the
        images are equal. Differentiable.

    Raises:
        TypeError: an input is not a floating-point tensor or array, ``data_range`` is not a
            number, ``y_channel`` is not a bool.
        ValueError: bad rank or channel count, empty batch, shape mismatch (also a
            grayscale/RGB mix), ``y_channel=True`` on grayscale, ``data_range <= 0``,
            or (value checks on) values outside [0, data_range] or NaN/Inf.

    Example:
        >>> import tensorflow as tf
        >>> target = tf.fill((2, 8, 8, 3), 0.5)
        >>> psnr(target + 0.1, target).numpy().round(3)
        array([20., 20.], dtype=float32)
        >>> psnr(target, target).numpy()
        array([inf, inf], dtype=float32)
    """
    data_range = check_data_range(data_range)
    prediction, target = check_metric_inputs(prediction, target, data_range, y_channel)
    (prediction, target), dtype = at_least_float32(prediction, target)
    # Luma is linear: converting the difference, not each image, avoids cancellation.
    difference = metric_channels(prediction - target, y_channel)
    mse = tf.reduce_mean(tf.square(difference), axis=(1, 2, 3))
    value = 20.0 * math.log10(data_range) - (10.0 / math.log(10.0)) * tf.math.log(mse)
    return tf.cast(value, dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class PSNR(MeanMetric):
    """Mean PSNR over a test set (mean of per-image values, in dB); see :func:`psnr`.

    A Keras metric; see :class:`MeanMetric` (``update``/``compute``/``reset`` aliases).

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images.
        name: the metric name.
        dtype: floating inputs are cast to it (Keras' float type, float32 by default, if
            ``None``).

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> metric = PSNR()
        >>> target = tf.fill((4, 8, 8, 3), 0.5)
        >>> metric.update(target + 0.1, target)
        >>> metric.update(target + 0.01, target)
        >>> round(float(metric.compute()), 4)
        30.0
        >>> keras.metrics.deserialize(keras.metrics.serialize(metric)).get_config()["data_range"]
        1.0
    """

    def __init__(
        self,
        data_range: float = 1.0,
        *,
        y_channel: bool = False,
        name: str = "psnr",
        dtype: str | None = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel

    def _per_image(self, prediction: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
        return psnr(prediction, target, self.data_range, y_channel=self.y_channel)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_range": self.data_range, "y_channel": self.y_channel}
