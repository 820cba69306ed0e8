"""Structural similarity (SSIM), one value per image (paper section 4.3, Tables 5-8)."""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

from faceloss.reference.ssim import gaussian_window
from faceloss.spec import SSIM_K1, SSIM_K2, SSIM_PADDINGS, SSIM_WINDOW_SIZE
from faceloss.tf._checks import check_bool, check_choice, check_data_range, check_metric_inputs
from faceloss.tf._filter import filter_valid
from faceloss.tf._luma import metric_channels
from faceloss.tf._metric import MeanMetric
from faceloss.tf._precision import at_least_float32

_WINDOW = gaussian_window()


def ssim_map(prediction: tf.Tensor, target: tf.Tensor, padding: str) -> tf.Tensor:
    """Local SSIM (N, H', W', C) of images already divided by the data range."""
    if padding == "same":
        pad = SSIM_WINDOW_SIZE // 2
        paddings = ((0, 0), (pad, pad), (pad, pad), (0, 0))
        prediction = tf.pad(prediction, paddings, mode="REFLECT")
        target = tf.pad(target, paddings, mode="REFLECT")
    # Centring each channel on its mean (a constant: the statistics do not depend on
    # it) keeps the float32 cancellation in E[x^2] - E[x]^2 small.
    mean_x = tf.stop_gradient(tf.reduce_mean(prediction, axis=(1, 2), keepdims=True))
    mean_y = tf.stop_gradient(tf.reduce_mean(target, axis=(1, 2), keepdims=True))
    x, y = prediction - mean_x, target - mean_y
    # One depthwise convolution filters the five moment maps of every channel at once.
    moments = tf.concat([x, y, x * x, y * y, x * y], axis=-1)
    mu_x, mu_y, xx, yy, xy = tf.split(filter_valid(moments, _WINDOW), 5, axis=-1)
    var_x, var_y, cov_xy = xx - mu_x * mu_x, yy - mu_y * mu_y, xy - mu_x * mu_y
    mu_x, mu_y = mu_x + mean_x, mu_y + mean_y
    c1, c2 = SSIM_K1**2, SSIM_K2**2
    numerator = (2 * mu_x * mu_y + c1) * (2 * cov_xy + c2)
    denominator = (mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2)
    return numerator / denominator


def ssim(
    prediction: tf.Tensor,
    target: tf.Tensor,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
    padding: str = "valid",
) -> tf.Tensor:
    r"""Structural similarity of each image pair (Wang et al. 2004), averaged over channels.

    With local Gaussian-weighted means :math:`\mu`, variances :math:`\sigma^2` and
    covariance :math:`\sigma_{xy}` (11x11 window, sigma 1.5, population statistics),

    .. math::
        \mathrm{SSIM}(x, y) = \frac{(2\mu_x\mu_y + C_1)(2\sigma_{xy} + C_2)}
        {(\mu_x^2 + \mu_y^2 + C_1)(\sigma_x^2 + \sigma_y^2 + C_2)},
        \quad C_1 = (0.01 L)^2,\ C_2 = (0.03 L)^2,

    averaged over the map of each channel, then over the channels. With
    ``padding="valid"`` (default) this equals ``skimage.metrics.structural_similarity(
    x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
    data_range=L, channel_axis=-1)`` and ``tf.image.ssim``; ``padding="same"``
    equals kornia's default and torchmetrics (see :data:`faceloss.spec.SSIM_PADDINGS`).
    The images are divided by L first, so float32 keeps its precision for L = 255.

    Args:
        prediction: images :math:`(N, H, W, C)`, C = 1 or 3, H and W >= 11, floats in
            [0, data_range].
        target: reference images, same shape as ``prediction``.
        data_range: the images' maximum value L (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images instead of each channel.
        padding: ``"valid"`` (average where the window fits) or ``"same"`` (reflect-pad
            by 5 pixels and average the full-size map).

    Returns:
        Tensor :math:`(N,)` in the inputs' dtype, in [-1, 1]; 1 for identical images.
        Differentiable.

    Raises:
        TypeError: an input is not a floating-point tensor or array, or a bad argument type.
        ValueError: bad rank or channel count, images smaller than 11x11, shape
            mismatch (also a grayscale/RGB mix), ``y_channel=True`` on grayscale, an
            unknown ``padding``, ``data_range <= 0``, or (value checks on) values
            outside [0, data_range] or NaN/Inf.

    Example:
        >>> import tensorflow as tf
        >>> target = tf.random.stateless_uniform((2, 16, 16, 3), seed=(0, 0))
        >>> ssim(target, target).numpy()
        array([1., 1.], dtype=float32)
        >>> ssim(tf.clip_by_value(target + 0.1, 0, 1), target).shape
        TensorShape([2])
    """
    data_range = check_data_range(data_range)
    check_choice("padding", padding, SSIM_PADDINGS)
    prediction, target = check_metric_inputs(
        prediction, target, data_range, y_channel, SSIM_WINDOW_SIZE
    )
    (prediction, target), dtype = at_least_float32(prediction, target)
    prediction = metric_channels(prediction, y_channel)
    target = metric_channels(target, y_channel)
    value = _compiled(prediction.shape[-1], prediction.dtype, data_range, padding)(
        prediction, target
    )
    return tf.cast(value, dtype)


_COMPILED: dict[tuple, Callable[[tf.Tensor, tf.Tensor], tf.Tensor]] = {}


def _compiled(
    channels: int, dtype: tf.DType, data_range: float, padding: str
) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """The per-image SSIM as a graph (about 1.7x faster than eager here), one per setting;
    batch and image size may vary without retracing after the first few calls."""
    key = (channels, dtype, data_range, padding)
    if key not in _COMPILED:

        def per_image(prediction: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
            local = ssim_map(prediction / data_range, target / data_range, padding)
            return tf.reduce_mean(local, axis=(1, 2, 3))

        _COMPILED[key] = tf.function(per_image, reduce_retracing=True)
    return _COMPILED[key]


@keras.saving.register_keras_serializable(package="faceloss")
class SSIM(MeanMetric):
    """Mean SSIM over a test set (mean of per-image values); see :func:`ssim`.

    A Keras metric; see :class:`MeanMetric` (``update``/``compute``/``reset`` aliases).

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images.
        padding: ``"valid"`` (default, skimage/tf.image) or ``"same"`` (kornia/torchmetrics).
        name: the metric name.
        dtype: floating inputs are cast to it (Keras' float type, float32 by default, if
            ``None``).

    Example:
        >>> import tensorflow as tf
        >>> metric = SSIM()
        >>> target = tf.random.uniform((4, 16, 16, 3))
        >>> metric.update_state(target, target)  # Keras order: y_true, y_pred
        >>> float(metric.result())
        1.0
    """

    def __init__(
        self,
        data_range: float = 1.0,
        *,
        y_channel: bool = False,
        padding: str = "valid",
        name: str = "ssim",
        dtype: str | None = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        check_choice("padding", padding, SSIM_PADDINGS)
        self.y_channel = y_channel
        self.padding = padding

    def _per_image(self, prediction: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
        return ssim(
            prediction, target, self.data_range, y_channel=self.y_channel, padding=self.padding
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_range": self.data_range,
            "y_channel": self.y_channel,
            "padding": self.padding,
        }
