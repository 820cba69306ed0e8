"""Pixel-domain visual information fidelity (VIF-p), one value per image (paper section 4.3)."""

from __future__ import annotations

import numpy as np

from faceloss.reference._checks import check_bool, check_data_range, check_metric_inputs
from faceloss.reference._luma import metric_channels
from faceloss.reference._metric import MeanMetric
from faceloss.reference.ssim import _filter_valid, gaussian_window
from faceloss.spec import VIF_EPS, VIF_MIN_SIZE, VIF_SCALES, VIF_SIGMA_N_SQ


def vif_information(prediction: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per image and channel, the information the distorted image carries (numerator) and
    the reference's information (denominator), summed over the scales: shapes (N, C)."""
    numerator = np.zeros(prediction.shape[::3])
    denominator = np.zeros(prediction.shape[::3])
    x, y = prediction, target
    for scale in range(VIF_SCALES):
        size = 2 ** (VIF_SCALES - scale) + 1
        window = gaussian_window(size, size / 5)
        if scale > 0:
            x = _filter_valid(x, window)[:, ::2, ::2]
            y = _filter_valid(y, window)[:, ::2, ::2]
        mu_x, mu_y = _filter_valid(x, window), _filter_valid(y, window)
        var_x = np.maximum(_filter_valid(x * x, window) - mu_x * mu_x, 0.0)
        var_y = np.maximum(_filter_valid(y * y, window) - mu_y * mu_y, 0.0)
        cov_xy = _filter_valid(x * y, window) - mu_x * mu_y

        gain = cov_xy / (var_y + VIF_EPS)
        var_noise = var_x - gain * cov_xy
        flat_y = var_y < VIF_EPS
        gain = np.where(flat_y, 0.0, gain)
        var_noise = np.where(flat_y, var_x, var_noise)
        var_y = np.where(flat_y, 0.0, var_y)
        flat_x = var_x < VIF_EPS
        gain = np.where(flat_x, 0.0, gain)
        var_noise = np.where(flat_x, 0.0, var_noise)
        var_noise = np.where(gain < 0, var_x, var_noise)
        gain = np.maximum(gain, 0.0)
        var_noise = np.maximum(var_noise, VIF_EPS)

        kept = np.log10(1.0 + gain**2 * var_y / (var_noise + VIF_SIGMA_N_SQ))
        numerator += kept.sum(axis=(1, 2))
        denominator += np.log10(1.0 + var_y / VIF_SIGMA_N_SQ).sum(axis=(1, 2))
    return numerator, denominator


def vif(
    prediction: np.ndarray,
    target: np.ndarray,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
) -> np.ndarray:
    r"""Pixel-domain visual information fidelity (Sheikh & Bovik 2006, "vifp") of each pair.

    Four scales s = 0..3 with Gaussian windows of side :math:`2^{4-s} + 1` (17, 9, 5,
    3; sigma = side / 5); before scales 1..3 both images are filtered with that
    scale's window (valid part) and subsampled by 2. At each position the
    distorted image is modelled as :math:`x = g\,y + v` (gain :math:`g =
    \sigma_{xy}/\sigma_y^2`, noise variance :math:`\sigma_v^2 = \sigma_x^2 -
    g\sigma_{xy}`), and

    .. math::
        \mathrm{VIF} = \frac{\sum_{s, i} \log_{10}\left(1 + \frac{g_i^2\,\sigma_{y,i}^2}
        {\sigma_{v,i}^2 + \sigma_n^2}\right)}
        {\sum_{s, i} \log_{10}\left(1 + \frac{\sigma_{y,i}^2}{\sigma_n^2}\right)},
        \quad \sigma_n^2 = 2,

    with the images on the 0..255 scale (so the result does not depend on
    ``data_range``), the MATLAB ``vifp_mscale`` guards for flat regions and
    piq's floor ``1e-8`` (added to numerator and denominator too, so a flat
    reference gives 1). ``prediction`` is the distorted image, ``target`` the
    reference: VIF is not symmetric. RGB images give the mean of the three
    channels' VIF; ``y_channel=True`` computes it on the BT.601 luma, which is
    exactly what ``piq.vif_p`` does with RGB input.

    Args:
        prediction: distorted images :math:`(N, H, W, C)`, C = 1 or 3, H and W >= 41,
            floats in [0, data_range].
        target: reference images, same shape as ``prediction``.
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images instead of each channel.

    Returns:
        float64 array :math:`(N,)`; 1 for identical images, usually in [0, 1] (above 1
        for a prediction with more contrast than the reference).

    Raises:
        TypeError: an input is not a floating-point array, or a bad argument type.
        ValueError: bad rank or channel count, images smaller than 41x41, shape
            mismatch, ``y_channel=True`` on grayscale, ``data_range <= 0``, or (value
            checks on) values outside [0, data_range] or NaN/Inf.

    Example:
        >>> import numpy as np
        >>> target = np.random.default_rng(0).random((2, 48, 48, 3))
        >>> vif(target, target).round(6)
        array([1., 1.])
        >>> float(vif(0.5 * target, target, y_channel=True)[0]) < 1
        True
    """
    data_range = check_data_range(data_range)
    prediction, target = check_metric_inputs(
        prediction, target, data_range, y_channel, VIF_MIN_SIZE
    )
    scale = 255.0 / data_range
    numerator, denominator = vif_information(
        metric_channels(prediction, y_channel) * scale, metric_channels(target, y_channel) * scale
    )
    return ((numerator + VIF_EPS) / (denominator + VIF_EPS)).mean(axis=1)


class VIF(MeanMetric):
    """Mean pixel-domain VIF over a test set (mean of per-image values); see :func:`vif`.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images (``piq.vif_p``'s choice).

    Example:
        >>> import numpy as np
        >>> metric = VIF(y_channel=True)
        >>> target = np.random.default_rng(0).random((2, 48, 48, 3))
        >>> metric.update(target, target)
        >>> round(float(metric.compute()), 6)
        1.0
    """

    def __init__(self, data_range: float = 1.0, *, y_channel: bool = False) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel

    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        return vif(prediction, target, self.data_range, y_channel=self.y_channel)

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, y_channel={self.y_channel}"
