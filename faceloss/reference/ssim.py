"""Structural similarity (SSIM), one value per image (paper section 4.3, Tables 5-8)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from faceloss.reference._checks import (
    check_bool,
    check_choice,
    check_data_range,
    check_metric_inputs,
)
from faceloss.reference._luma import metric_channels
from faceloss.reference._metric import MeanMetric
from faceloss.spec import SSIM_K1, SSIM_K2, SSIM_PADDINGS, SSIM_SIGMA, SSIM_WINDOW_SIZE


def gaussian_window(size: int = SSIM_WINDOW_SIZE, sigma: float = SSIM_SIGMA) -> np.ndarray:
    """The normalised 1-D Gaussian window (float64, sums to 1); SSIM's 2-D window is its
    outer product (``scipy.ndimage.gaussian_filter`` with ``truncate=3.5`` uses the same taps).

    Example:
        >>> window = gaussian_window()
        >>> window.shape, round(float(window.sum()), 12), round(float(window[5]), 6)
        ((11,), 1.0, 0.266012)
    """
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    window = np.exp(-(x**2) / (2 * sigma**2))
    return window / window.sum()


def _filter_valid(images: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable correlation of (N, H, W, C) images with ``window`` over H and W, valid part."""
    for axis in (1, 2):
        images = sliding_window_view(images, window.size, axis=axis) @ window
    return images


def ssim_map(
    prediction: np.ndarray, target: np.ndarray, data_range: float, padding: str
) -> np.ndarray:
    """The local SSIM values (N, H', W', C), H' = H - 10 ("valid") or H ("same")."""
    c1 = (SSIM_K1 * data_range) ** 2
    c2 = (SSIM_K2 * data_range) ** 2
    if padding == "same":
        pad = ((0, 0), (SSIM_WINDOW_SIZE // 2,) * 2, (SSIM_WINDOW_SIZE // 2,) * 2, (0, 0))
        prediction = np.pad(prediction, pad, mode="reflect")
        target = np.pad(target, pad, mode="reflect")
    window = gaussian_window()
    mu_x = _filter_valid(prediction, window)
    mu_y = _filter_valid(target, window)
    var_x = _filter_valid(prediction * prediction, window) - mu_x * mu_x
    var_y = _filter_valid(target * target, window) - mu_y * mu_y
    cov_xy = _filter_valid(prediction * target, window) - mu_x * mu_y
    numerator = (2 * mu_x * mu_y + c1) * (2 * cov_xy + c2)
    denominator = (mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2)
    return numerator / denominator


def ssim(
    prediction: np.ndarray,
    target: np.ndarray,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
    padding: str = "valid",
) -> np.ndarray:
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

    Args:
        prediction: images :math:`(N, H, W, C)`, C = 1 or 3, H and W >= 11, floats in
            [0, data_range].
        target: reference images, same shape as ``prediction``.
        data_range: the images' maximum value L (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images instead of each channel.
        padding: ``"valid"`` (average where the window fits) or ``"same"`` (reflect-pad
            by 5 pixels and average the full-size map).

    Returns:
        float64 array :math:`(N,)`, in [-1, 1]; 1 for identical images.

    Raises:
        TypeError: an input is not a floating-point array, or a bad argument type.
        ValueError: bad rank or channel count, images smaller than 11x11, shape
            mismatch (also a grayscale/RGB mix), ``y_channel=True`` on grayscale, an
            unknown ``padding``, ``data_range <= 0``, or (value checks on) values
            outside [0, data_range] or NaN/Inf.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> target = rng.random((2, 16, 16, 3))
        >>> ssim(target, target)
        array([1., 1.])
        >>> ssim(np.clip(target + 0.1, 0, 1), target).shape
        (2,)
    """
    data_range = check_data_range(data_range)
    check_choice("padding", padding, SSIM_PADDINGS)
    prediction, target = check_metric_inputs(
        prediction, target, data_range, y_channel, SSIM_WINDOW_SIZE
    )
    prediction = metric_channels(prediction, y_channel)
    target = metric_channels(target, y_channel)
    return ssim_map(prediction, target, data_range, padding).mean(axis=(1, 2, 3))


class SSIM(MeanMetric):
    """Mean SSIM over a test set (mean of per-image values); see :func:`ssim`.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images.
        padding: ``"valid"`` (default, skimage/tf.image) or ``"same"`` (kornia/torchmetrics).

    Example:
        >>> import numpy as np
        >>> metric = SSIM()
        >>> target = np.random.default_rng(0).random((4, 16, 16, 3))
        >>> metric.update(target, target)
        >>> float(metric.compute())
        1.0
    """

    def __init__(
        self, data_range: float = 1.0, *, y_channel: bool = False, padding: str = "valid"
    ) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        check_choice("padding", padding, SSIM_PADDINGS)
        self.y_channel = y_channel
        self.padding = padding

    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        return ssim(
            prediction, target, self.data_range, y_channel=self.y_channel, padding=self.padding
        )

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, y_channel={self.y_channel}, padding={self.padding!r}"
