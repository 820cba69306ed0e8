"""Peak signal-to-noise ratio, one value per image (paper section 4.3, Tables 5-8)."""

from __future__ import annotations

import numpy as np

from faceloss.reference._checks import check_bool, check_data_range, check_metric_inputs
from faceloss.reference._luma import metric_channels
from faceloss.reference._metric import MeanMetric


def psnr(
    prediction: np.ndarray,
    target: np.ndarray,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
) -> np.ndarray:
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
        float64 array of shape :math:`(N,)`, in dB; ``inf`` where the images are equal.

    Raises:
        TypeError: an input is not a floating-point array, ``data_range`` is not a
            number, ``y_channel`` is not a bool.
        ValueError: bad rank or channel count, empty batch, shape mismatch (also a
            grayscale/RGB mix), ``y_channel=True`` on grayscale, ``data_range <= 0``,
            or (value checks on) values outside [0, data_range] or NaN/Inf.

    Example:
        >>> import numpy as np
        >>> target = np.full((2, 8, 8, 3), 0.5)
        >>> psnr(target + 0.1, target).round(4)
        array([20., 20.])
        >>> psnr(target, target)
        array([inf, inf])
    """
    data_range = check_data_range(data_range)
    prediction, target = check_metric_inputs(prediction, target, data_range, y_channel)
    # Luma is linear: converting the difference, not each image, avoids cancellation.
    difference = metric_channels(prediction - target, y_channel)
    mse = np.mean(np.square(difference), axis=(1, 2, 3))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(data_range**2 / mse)


class PSNR(MeanMetric):
    """Mean PSNR over a test set (mean of per-image values, in dB); see :func:`psnr`.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images.

    Example:
        >>> import numpy as np
        >>> metric = PSNR()
        >>> target = np.full((4, 8, 8, 3), 0.5)
        >>> metric.update(target + 0.1, target)
        >>> metric.update(target + 0.01, target)
        >>> round(float(metric.compute()), 4)
        30.0
    """

    def __init__(self, data_range: float = 1.0, *, y_channel: bool = False) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel

    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        return psnr(prediction, target, self.data_range, y_channel=self.y_channel)

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, y_channel={self.y_channel}"
