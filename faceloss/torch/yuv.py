"""RGB -> YUV conversion and the luminance-chrominance loss (paper section 3.3, eqs. 7-8)."""

from __future__ import annotations

import torch
from torch import nn

from faceloss.spec import REDUCTIONS, YUV_FROM_RGB
from faceloss.torch._checks import check_choice, check_finite, check_image, check_same_shape
from faceloss.torch._constant import constant
from faceloss.torch._precision import at_least_float32
from faceloss.torch._reduce import reduce

_YUV_FROM_RGB = tuple(tuple(row) for row in YUV_FROM_RGB.tolist())


def _yuv_matrix(like: torch.Tensor) -> torch.Tensor:
    return constant(_YUV_FROM_RGB, like)


def _rgb_to_yuv(image: torch.Tensor) -> torch.Tensor:
    return torch.einsum("yc,nchw->nyhw", _yuv_matrix(image), image)


def rgb_to_yuv(image: torch.Tensor) -> torch.Tensor:
    r"""Convert RGB images to YUV with the analog BT.601 matrix of eq. 7.

    .. math::
        [Y, U, V]^T = M [R, G, B]^T, \quad M = \texttt{faceloss.spec.YUV\_FROM\_RGB}

    Args:
        image: RGB images, shape :math:`(N, 3, H, W)`, floats, usually in [0, 1].

    Returns:
        YUV images, shape :math:`(N, 3, H, W)`, same dtype and device; for RGB in [0, 1],
        Y is in [0, 1], U in [-0.436, 0.436] and V in [-0.615, 0.615].

    Raises:
        TypeError: ``image`` is not a floating-point tensor.
        ValueError: ``image`` is not a non-empty 4-D batch with 3 channels.

    Example:
        >>> import torch
        >>> white = torch.ones(1, 3, 4, 4)
        >>> rgb_to_yuv(white).shape
        torch.Size([1, 3, 4, 4])
        >>> float(rgb_to_yuv(white)[0, 0, 0, 0])
        1.0
    """
    image = check_image(image, "image")
    (image,), dtype = at_least_float32(image)
    return _rgb_to_yuv(image).to(dtype)


def luminance_chrominance_loss(
    prediction: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    r"""Luminance-chrominance error: squared error between the YUV images (eq. 8).

    .. math::
        L_{lc} = \frac{1}{3 N H W} \sum_{n, c \in \{Y,U,V\}, x, y}
                 \left(M(\hat I)_{n,c,x,y} - M(I)_{n,c,x,y}\right)^2

    With ``reduction="mean"`` this is the mean over the batch, the pixels *and* the
    three YUV channels. Eq. 8 as printed divides by :math:`wh` only, i.e. it is 3x
    this value per image; the factor is a constant rescaling of the loss weight.

    Args:
        prediction: predicted RGB images :math:`(N, 3, H, W)`, floats (usually [0, 1]).
        target: ground-truth RGB images, same shape as ``prediction``.
        reduction: ``"mean"`` (scalar mean over all N*H*W*3 squared YUV differences),
            ``"sum"`` (scalar sum of them) or ``"none"`` (the squared differences
            themselves, shape :math:`(N, 3, H, W)` in Y, U, V order).

    Returns:
        A tensor of shape ``()`` for "mean"/"sum", :math:`(N, 3, H, W)` for "none".

    Raises:
        TypeError: an input is not a floating-point tensor.
        ValueError: bad rank, channel count, empty batch, shape mismatch, an unknown
            ``reduction``, or NaN/Inf in an input (while value checks are on; with them
            off, NaN propagates to the result).

    Example:
        >>> import torch
        >>> target = torch.zeros(2, 3, 8, 8)
        >>> prediction = target.clone()
        >>> prediction[:, 0] += 0.1  # red shifted by 0.1
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
    return reduce(difference.square(), reduction).to(dtype)


class LuminanceChrominanceLoss(nn.Module):
    r"""Luminance-chrominance error (eq. 8) as a loss object; see :func:`luminance_chrominance_loss`.

    Args:
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Shape:
        - prediction: :math:`(N, 3, H, W)`, RGB floats, usually [0, 1].
        - target: :math:`(N, 3, H, W)`.
        - output: scalar, or :math:`(N, 3, H, W)` for ``reduction="none"``.

    Example:
        >>> import torch
        >>> criterion = LuminanceChrominanceLoss()
        >>> prediction = torch.rand(4, 3, 16, 16, requires_grad=True)
        >>> loss = criterion(prediction, torch.rand(4, 3, 16, 16))
        >>> loss.backward()
        >>> prediction.grad.shape
        torch.Size([4, 3, 16, 16])
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        check_choice("reduction", reduction, REDUCTIONS)
        self.reduction = reduction

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return luminance_chrominance_loss(prediction, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
