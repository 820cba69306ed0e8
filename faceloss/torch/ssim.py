"""Structural similarity (SSIM), one value per image (paper section 4.3, Tables 5-8)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from faceloss.reference.ssim import gaussian_window
from faceloss.spec import SSIM_K1, SSIM_K2, SSIM_PADDINGS, SSIM_WINDOW_SIZE
from faceloss.torch._checks import (
    check_bool,
    check_choice,
    check_data_range,
    check_metric_inputs,
)
from faceloss.torch._filter import filter_valid, window_like
from faceloss.torch._luma import metric_channels
from faceloss.torch._metric import MeanMetric
from faceloss.torch._precision import at_least_float32

_WINDOW = gaussian_window()
# On the CPU the batch is processed in blocks of about this many input values (8 RGB
# 128x128 images) so the 15 moment maps stay in cache: ~2.5x faster at batch 64 here.
_CPU_BLOCK_VALUES = 8 * 3 * 128 * 128


def ssim_map(
    prediction: torch.Tensor, target: torch.Tensor, data_range: float, padding: str
) -> torch.Tensor:
    """Local SSIM (N, C, H', W'), computed on the images divided by the data range."""
    if padding == "same":
        pad = (SSIM_WINDOW_SIZE // 2,) * 4
        prediction = F.pad(prediction, pad, mode="reflect")
        target = F.pad(target, pad, mode="reflect")
    # Centring each channel on its mean (a constant: the statistics do not depend on
    # it) keeps the float32 cancellation in E[x^2] - E[x]^2 small; the division by the
    # data range keeps float32 precise for 0..255 images.
    mean_x = prediction.mean(dim=(2, 3), keepdim=True).detach()
    mean_y = target.mean(dim=(2, 3), keepdim=True).detach()
    x, y = prediction - mean_x, target - mean_y
    if data_range != 1.0:
        x, y = x / data_range, y / data_range
        mean_x, mean_y = mean_x / data_range, mean_y / data_range
    # One grouped convolution filters the five moment maps of every channel at once.
    # They are stacked channels-last (NHWC memory), the layout of the fast CPU kernels.
    x, y = x.permute(0, 2, 3, 1), y.permute(0, 2, 3, 1)
    moments = torch.cat([x, y, x * x, y * y, x * y], dim=3).permute(0, 3, 1, 2)
    mu_x, mu_y, xx, yy, xy = filter_valid(moments, window_like(_WINDOW, moments)).chunk(5, dim=1)
    # (2 mu_x mu_y + C1)(2 cov + C2) / ((mu_x^2 + mu_y^2 + C1)(var_x + var_y + C2)), with the
    # factor 4 taken out of the numerator and fused multiply-adds (fewer passes over memory).
    c1, c2 = SSIM_K1**2, SSIM_K2**2
    covariance = (xy + c2 / 2).addcmul_(mu_x, mu_y, value=-1)
    variances = (xx + yy + c2).addcmul_(mu_x, mu_x, value=-1).addcmul_(mu_y, mu_y, value=-1)
    mu_x, mu_y = mu_x + mean_x, mu_y + mean_y
    luminance = (mu_x * mu_y).add_(c1 / 2)
    energy = (mu_x * mu_x + c1).addcmul_(mu_y, mu_y)
    return 4 * (luminance * covariance) / (energy * variances)


def ssim(
    prediction: torch.Tensor,
    target: torch.Tensor,
    data_range: float = 1.0,
    *,
    y_channel: bool = False,
    padding: str = "valid",
) -> torch.Tensor:
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
        prediction: images :math:`(N, C, H, W)`, C = 1 or 3, H and W >= 11, floats in
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
        TypeError: an input is not a floating-point tensor, or a bad argument type.
        ValueError: bad rank or channel count, images smaller than 11x11, shape
            mismatch (also a grayscale/RGB mix), ``y_channel=True`` on grayscale, an
            unknown ``padding``, ``data_range <= 0``, or (value checks on) values
            outside [0, data_range] or NaN/Inf.

    Example:
        >>> import torch
        >>> target = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(0))
        >>> ssim(target, target)
        tensor([1., 1.])
        >>> ssim((target + 0.1).clamp(0, 1), target).shape
        torch.Size([2])
    """
    data_range = check_data_range(data_range)
    check_choice("padding", padding, SSIM_PADDINGS)
    prediction, target = check_metric_inputs(
        prediction, target, data_range, y_channel, SSIM_WINDOW_SIZE
    )
    (prediction, target), dtype = at_least_float32(prediction, target)
    prediction = metric_channels(prediction, y_channel)
    target = metric_channels(target, y_channel)
    block = len(prediction)
    if prediction.device.type == "cpu":
        block = max(1, _CPU_BLOCK_VALUES // prediction[0].numel())
    values = [
        ssim_map(p, t, data_range, padding).mean(dim=(1, 2, 3))
        for p, t in zip(prediction.split(block), target.split(block), strict=True)
    ]
    return (values[0] if len(values) == 1 else torch.cat(values)).to(dtype)


class SSIM(MeanMetric):
    """Mean SSIM over a test set (mean of per-image values); see :func:`ssim`.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        y_channel: compute on the BT.601 luma of RGB images.
        padding: ``"valid"`` (default, skimage/tf.image) or ``"same"`` (kornia/torchmetrics).

    Example:
        >>> import torch
        >>> metric = SSIM()
        >>> target = torch.rand(4, 3, 16, 16)
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

    def _per_image(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return ssim(
            prediction, target, self.data_range, y_channel=self.y_channel, padding=self.padding
        )

    def extra_repr(self) -> str:
        return f"data_range={self.data_range}, y_channel={self.y_channel}, padding={self.padding!r}"
