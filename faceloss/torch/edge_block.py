"""EdgeBlock: high-frequency features as features minus their local average (paper 3.1, Fig. 3).

The average pooling follows TensorFlow's ``padding="SAME"`` rule with stride 1, padding
excluded from the average, which ``torch.nn.AvgPool2d`` cannot express for even window
sizes (it pads symmetrically and counts the padding by default). Here it is computed
exactly, either as two small matrix products with banded averaging matrices (while the
maps are small against the window, see :data:`MATMUL_COST_RATIO`; on ``channels_last``
tensors the products run on the NHWC memory as it is, with no layout copy) or as
``avg_pool2d(count_include_pad=False)`` over a symmetric padding of ``s // 2`` with the
extra leading row and column of even windows cropped.
"""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from faceloss._padding import split_padding
from faceloss.spec import EDGE_BLOCK_RELU
from faceloss.torch._checks import (
    _tracing,
    check_bool,
    check_image,
    check_int,
    check_layer_dtype,
    check_shape,
    check_tensor,
)
from faceloss.torch._precision import at_least_float32

MATMUL_COST_RATIO = 16
"""Average by banded matrix products while ``H + W <= MATMUL_COST_RATIO * s**2``, else pool.

The products cost :math:`O(H + W)` multiply-adds per pixel, pooling :math:`O(s^2)` adds
(slower ones). Measured forward + backward on a 2-core CPU (torch 2.13, 64 channels):
the products were 1.8-4.9x faster up to 128 px for s = 5 and up to 512 px for s = 10,
and pooling 1.2-1.5x faster from 256 px for s = 5."""


def _averaging_matrix(size: int, pool_size: int, like: torch.Tensor) -> torch.Tensor:
    """``(size, size)`` matrix whose row i averages the 'SAME' window around i (clipped)."""
    before, after = split_padding(pool_size)
    index = torch.arange(size, device=like.device)
    offset = index[None, :] - index[:, None]  # column - row
    inside = ((offset >= -before) & (offset <= after)).to(like.dtype)
    return inside / inside.sum(dim=1, keepdim=True)


def _use_matmul(height: int, width: int, pool_size: int) -> bool:
    if torch.jit.is_scripting():
        ratio = 16  # MATMUL_COST_RATIO: TorchScript cannot read module globals
    else:
        ratio = MATMUL_COST_RATIO
    return height + width <= ratio * pool_size * pool_size


def _channels_last(features: torch.Tensor) -> bool:
    """Stored as NHWC (``torch.channels_last``) and not also plain NCHW-contiguous."""
    return features.is_contiguous(memory_format=torch.channels_last) and not (
        features.is_contiguous()
    )


def _average_channels_last(
    features: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor
) -> torch.Tensor:
    """``rows @ F @ cols.T`` per map, computed on NHWC memory without a layout copy.

    The NHWC buffer viewed as ``(N*H, W, C)`` is averaged along W by ``cols @ .`` and,
    viewed as ``(N, H, W*C)``, along H by ``rows @ .``; the result is channels_last too.
    """
    n, c, h, w = features.shape
    nhwc = features.permute(0, 2, 3, 1)
    along_w = torch.matmul(cols, nhwc.reshape(n * h, w, c))
    along_h = torch.matmul(rows, along_w.reshape(n, h, w * c))
    return along_h.reshape(n, h, w, c).permute(0, 3, 1, 2)


def _avg_pool_same(features: torch.Tensor, pool_size: int) -> torch.Tensor:
    height, width = features.shape[-2], features.shape[-1]
    if _use_matmul(height, width, pool_size):
        rows = _averaging_matrix(height, pool_size, features)
        cols = _averaging_matrix(width, pool_size, features)
        if _channels_last(features):
            return _average_channels_last(features, rows, cols)
        return torch.matmul(rows, torch.matmul(features, cols.t()))
    # Symmetric padding of s // 2 reaches one pixel further before the window than 'SAME'
    # for even s: the output has one extra leading row and column, cropped here.
    before, _ = split_padding(pool_size)
    start = pool_size // 2 - before
    pooled = F.avg_pool2d(
        features, pool_size, stride=1, padding=pool_size // 2, count_include_pad=False
    )
    return pooled[:, :, start : start + height, start : start + width]


def avg_pool_same(features: torch.Tensor, pool_size: int) -> torch.Tensor:
    r"""Stride-1 average pooling with TensorFlow 'SAME' padding excluded from the average.

    .. math::
        S_{n,c,i,j} = \frac{1}{|W_{ij}|} \sum_{(k, l) \in W_{ij}} F_{n,c,k,l}, \quad
        W_{ij} = \{i - b, \dots, i + a\} \times \{j - b, \dots, j + a\}
                 \cap \{0..H-1\} \times \{0..W-1\}

    with :math:`(b, a) = ((s - 1) // 2, s // 2)` (TensorFlow's split of the
    :math:`s - 1` padding pixels; 4 before and 5 after for :math:`s = 10`). This is
    ``tf.nn.avg_pool2d(features, s, 1, "SAME")``; it is defined for any size, also
    smaller than the window (a 1x1 image is its own average).

    Args:
        features: feature maps :math:`(N, C, H, W)`, floats.
        pool_size: window size :math:`s \ge 1` (the paper uses 5, 7 and 10).

    Returns:
        The local averages, :math:`(N, C, H, W)`, same dtype and device.

    Raises:
        TypeError: ``features`` is not a floating-point tensor or ``pool_size`` not an int.
        ValueError: ``features`` is not a non-empty 4-D batch, or ``pool_size < 1``.

    Example:
        >>> import torch
        >>> row = torch.arange(6.0).reshape(1, 1, 1, 6)
        >>> avg_pool_same(row, 4)[0, 0, 0]  # windows [j-1, j+2] clipped to the image
        tensor([1.0000, 1.5000, 2.5000, 3.5000, 4.0000, 4.5000])
    """
    features = check_image(features, "features", channels=None)
    pool_size = check_int("pool_size", pool_size)
    (features,), dtype = at_least_float32(features)
    return _avg_pool_same(features, pool_size).to(dtype)


@torch.jit.unused
def _check_edge_block(
    features: torch.Tensor,
    weight: torch.Tensor,
    bias: Optional[torch.Tensor],  # noqa: UP045 - TorchScript reads this annotation
    pool_size: int,
    relu: bool,
) -> None:
    check_tensor(weight, "weight")
    check_shape(weight, "weight", (1, None, 1, 1), "(out, in, kh, kw)")
    check_image(features, "features", channels=weight.shape[1])
    check_layer_dtype(features, "features", weight.dtype, "EdgeBlock")
    check_int("pool_size", pool_size)
    check_bool("relu", relu)
    if bias is not None:
        check_tensor(bias, "bias")
        check_shape(bias, "bias", (1,), "(out,)")


def edge_block(
    features: torch.Tensor,
    weight: torch.Tensor,
    bias: Optional[torch.Tensor],  # noqa: UP045 - TorchScript reads this annotation
    pool_size: int,
    relu: bool = EDGE_BLOCK_RELU,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The EdgeBlock of Fig. 3: features, their high-frequency part and a 1-channel edge map.

    .. math::
        D = F - \mathrm{avgpool}_s(F) \quad (\text{or } \max(F - \mathrm{avgpool}_s(F), 0)
        \text{ with } \texttt{relu}), \qquad
        E = \sum_c w_c D_{\cdot,c,\cdot,\cdot} + b

    :math:`\mathrm{avgpool}_s` is :func:`avg_pool_same` (stride 1, TensorFlow 'SAME'
    padding, padding not counted). :math:`E` is the edge map compared with the Canny
    target in eq. 3; :math:`[F, D]` feeds the next residual block (Table 1). No value
    checks run here (a layer in a network): NaN in ``features`` propagates.

    Args:
        features: feature maps :math:`F`, :math:`(N, C, H, W)`, floats.
        weight: the 1x1 convolution kernel in torch layout ``(out, in, kh, kw)`` =
            :math:`(1, C, 1, 1)`, ``features``' dtype.
        bias: the convolution bias, shape :math:`(1,)`, or ``None`` for none.
        pool_size: average-pooling window :math:`s \ge 1` (paper: 5, 7, 10).
        relu: apply a ReLU to :math:`D` (the official code's variant; the paper has none).
            The rectified :math:`D` is both concatenated and convolved.

    Returns:
        ``(concat, edge)``: ``concat`` is :math:`[F, D]` along the channel axis,
        :math:`(N, 2C, H, W)` with the C input channels first, then the C channels of
        :math:`D`; ``edge`` is :math:`(N, 1, H, W)`.

    Raises:
        TypeError: a non-float tensor, a non-int ``pool_size`` or a non-bool ``relu``.
        ValueError: ``features`` is not a non-empty 4-D batch, ``pool_size < 1``, or
            ``weight``/``bias`` do not have the shapes above.

    Example:
        >>> import torch
        >>> features = torch.zeros(1, 2, 5, 5)
        >>> features[0, :, 2, 2] = 1.0  # one bright pixel
        >>> weight = torch.ones(1, 2, 1, 1)
        >>> concat, edge = edge_block(features, weight, torch.zeros(1), pool_size=3)
        >>> concat.shape, edge.shape
        (torch.Size([1, 4, 5, 5]), torch.Size([1, 1, 5, 5]))
        >>> round(float(edge[0, 0, 2, 2]), 4)  # 2 channels * (1 - 1/9)
        1.7778
    """
    if not torch.jit.is_scripting():
        if not _tracing():  # traced (ONNX export) or compiled: shapes are symbolic
            _check_edge_block(features, weight, bias, pool_size, relu)
    difference = features - _avg_pool_same(features, pool_size)
    if relu:
        difference = torch.relu(difference)
    edge = F.conv2d(difference, weight, bias)
    return torch.cat([features, difference], dim=1), edge


class EdgeBlock(nn.Module):
    r"""The EdgeBlock of Fig. 3 as a module with a learnable 1x1 convolution; see :func:`edge_block`.

    ``forward(features)`` returns ``(concat, edge)``: ``concat`` holds the input
    channels first, then the C high-frequency channels :math:`D = F - \mathrm{avgpool}_s(F)`;
    ``edge`` is the 1-channel map the edge loss (eq. 3) compares with the Canny target.
    The 1x1 convolution is the submodule ``conv`` (``nn.Conv2d(channels, 1, 1)``, torch's
    default initialisation); :class:`faceloss.tf.EdgeBlock` names its ``Conv2D`` ``conv``
    too, and :func:`faceloss.weights.copy_edge_block_weights` copies between them.

    Args:
        channels: number of input channels C (Table 1: 256, 128, 64).
        pool_size: average-pooling window s (paper: 5, 7, 10 at x2, x4, x8).
        relu: apply a ReLU to D (official code; default ``False`` as in the paper).

    Shape:
        - features: :math:`(N, C, H, W)`, floats.
        - concat: :math:`(N, 2C, H, W)`.
        - edge: :math:`(N, 1, H, W)`.

    Example:
        >>> import torch
        >>> block = EdgeBlock(64, pool_size=10)
        >>> concat, edge = block(torch.rand(2, 64, 32, 32))
        >>> concat.shape, edge.shape
        (torch.Size([2, 128, 32, 32]), torch.Size([2, 1, 32, 32]))
    """

    def __init__(self, channels: int, pool_size: int, relu: bool = EDGE_BLOCK_RELU) -> None:
        super().__init__()
        self.channels = check_int("channels", channels)
        self.pool_size = check_int("pool_size", pool_size)
        self.relu = check_bool("relu", relu)
        self.conv = nn.Conv2d(channels, 1, kernel_size=1)

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return edge_block(features, self.conv.weight, self.conv.bias, self.pool_size, self.relu)

    def extra_repr(self) -> str:
        return f"channels={self.channels}, pool_size={self.pool_size}, relu={self.relu}"
