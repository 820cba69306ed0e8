"""Pixel-domain visual information fidelity (VIF-p), one value per image (paper section 4.3)."""

from __future__ import annotations

import torch

from faceloss.reference.ssim import gaussian_window
from faceloss.spec import VIF_EPS, VIF_MIN_SIZE, VIF_SCALES, VIF_SIGMA_N_SQ
from faceloss.torch._checks import check_bool, check_data_range, check_metric_inputs
from faceloss.torch._filter import filter_valid, window_like
from faceloss.torch._luma import metric_channels
from faceloss.torch._metric import MeanMetric
from faceloss.torch._precision import at_least_float32

_WINDOWS = [
    gaussian_window(2 ** (VIF_SCALES - s) + 1, (2 ** (VIF_SCALES - s) + 1) / 5)
    for s in range(VIF_SCALES)
]


def vif_information(
    prediction: torch.Tensor, target: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image and channel, the distorted image's and the reference's information summed
    over the scales (numerator, denominator), shapes (N, C); images on the 0..255 scale."""
    channels = prediction.shape[1]
    x, y = prediction, target
    numerator = denominator = torch.zeros((), dtype=x.dtype, device=x.device)
    for scale, window in enumerate(_WINDOWS):
        window = window_like(window, x)
        if scale > 0:
            x, y = filter_valid(torch.cat([x, y], dim=1), window)[..., ::2, ::2].chunk(2, dim=1)
        # VIF uses only (co)variances, which do not depend on a constant shift: centring
        # on the channel means keeps float32 cancellation (and flat-region tests) exact-ish.
        x = x - x.mean(dim=(2, 3), keepdim=True).detach()
        y = y - y.mean(dim=(2, 3), keepdim=True).detach()
        moments = torch.cat([x, y, x * x, y * y, x * y], dim=1)
        mu_x, mu_y, xx, yy, xy = filter_valid(moments, window).split(channels, dim=1)
        var_x = torch.relu(xx - mu_x * mu_x)
        var_y = torch.relu(yy - mu_y * mu_y)
        cov_xy = xy - mu_x * mu_y

        gain = cov_xy / (var_y + VIF_EPS)
        var_noise = var_x - gain * cov_xy
        zero = torch.zeros_like(gain)
        flat_y = var_y < VIF_EPS
        gain = torch.where(flat_y, zero, gain)
        var_noise = torch.where(flat_y, var_x, var_noise)
        var_y = torch.where(flat_y, zero, var_y)
        flat_x = var_x < VIF_EPS
        gain = torch.where(flat_x, zero, gain)
        var_noise = torch.where(flat_x, zero, var_noise)
        var_noise = torch.where(gain < 0, var_x, var_noise)
        gain = torch.relu(gain)
        var_noise = var_noise.clamp_min(VIF_EPS)

        kept = torch.log10(1.0 + gain * gain * var_y / (var_noise + VIF_SIGMA_N_SQ))
        numerator = numerator + kept.sum(dim=(2, 3))
        denominator = denominator + torch.log10(1.0 + var_y / VIF_SIGMA_N_SQ).sum(dim=(2, 3))
    return numerator, denominator


def vif(
    prediction: torch.Tensor,
    target: torch.Tensor,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
) -> torch.Tensor:
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
        prediction: distorted images :math:`(N, C, H, W)`, C = 1 or 3, H and W >= 41,
            floats in [0, data_range].
        target: reference images, same shape as ``prediction``.
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images instead of each channel.

    Returns:
        Tensor :math:`(N,)` in the inputs' dtype; 1 for identical images, usually in
        [0, 1] (above 1 for a prediction with more contrast than the reference).
        Differentiable (the flat-region guards make it piecewise).

    Raises:
        TypeError: an input is not a floating-point tensor, or a bad argument type.
        ValueError: bad rank or channel count, images smaller than 41x41, shape
            mismatch, ``y_channel=True`` on grayscale, ``data_range <= 0``, or (value
            checks on) values outside [0, data_range] or NaN/Inf.

    Example:
        >>> import torch
        >>> target = torch.rand(2, 3, 48, 48, dtype=torch.float64)
        >>> vif(target, target).round(decimals=6)
        tensor([1., 1.], dtype=torch.float64)
        >>> bool(vif(0.5 * target, target, y_channel=True)[0] < 1)
        True
    """
    data_range = check_data_range(data_range)
    prediction, target = check_metric_inputs(
        prediction, target, data_range, y_channel, VIF_MIN_SIZE
    )
    (prediction, target), dtype = at_least_float32(prediction, target)
    scale = 255.0 / data_range
    numerator, denominator = vif_information(
        metric_channels(prediction, y_channel) * scale, metric_channels(target, y_channel) * scale
    )
    return ((numerator + VIF_EPS) / (denominator + VIF_EPS)).mean(dim=1).to(dtype)


class VIF(MeanMetric):
    """Mean pixel-domain VIF over a test set (mean of per-image values); see :func:`vif`.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images (``piq.vif_p``'s choice).

    Example:
        >>> import torch
        >>> metric = VIF(y_channel=True)
        >>> target = torch.rand(2, 3, 48, 48, dtype=torch.float64)
        >>> metric.update(target, target)
        >>> round(float(metric.compute()), 6)
        1.0
    """

    def __init__(self, data_range: float = 1.0, *, y_channel: bool = False) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel

    def _per_image(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return vif(prediction, target, self.data_range, y_channel=self.y_channel)

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, y_channel={self.y_channel}"
