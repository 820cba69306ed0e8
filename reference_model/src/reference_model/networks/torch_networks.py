"""EIPNet's generator and discriminator in PyTorch (NCHW), built on :class:`faceloss.torch.EdgeBlock`.

Attribute names are shared with :mod:`reference_model.networks.keras_networks`, so a
torch ``state_dict`` key such as ``res2.conv1.weight`` names the Keras layer
``model.res2.conv1`` (see :func:`reference_model.copy_weights`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from faceloss.torch import EdgeBlock
from reference_model.networks.architecture import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
)
from reference_model.networks.skip import bicubic_upscale_matrix


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions, each followed by ReLU, added to a skip tensor (Table 1).

    ``forward(x, skip) = skip + relu(conv2(relu(conv1(x))))``. The skip is the block's input
    in residual block 1 and the transposed convolution's output in blocks 2 and 3, whose
    input is the EdgeBlock's concatenation.

    Args:
        in_channels, mid_channels, out_channels: widths of ``x``, of ``conv1``'s output and
            of ``conv2``'s output (= the skip's width).
        dilations: dilation of ``conv1`` and ``conv2`` (padded to keep the size); Table 1
            has ``(1, 1)``.

    Example:
        >>> block = ResidualBlock(8, 8, 4)
        >>> block(torch.zeros(1, 8, 5, 5), torch.ones(1, 4, 5, 5)).shape
        torch.Size([1, 4, 5, 5])
    """

    def __init__(
        self,
        in_channels: int,
        mid_channels: int,
        out_channels: int,
        dilations: tuple[int, int] = (1, 1),
    ) -> None:
        super().__init__()
        d1, d2 = dilations
        self.conv1 = nn.Conv2d(in_channels, mid_channels, 3, padding=d1, dilation=d1)
        self.conv2 = nn.Conv2d(mid_channels, out_channels, 3, padding=d2, dilation=d2)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return skip + torch.relu(self.conv2(torch.relu(self.conv1(x))))


class EIPNetGenerator(nn.Module):
    r"""The EIPNet generator (Table 1): 16x16 RGB faces in [0, 1] -> 128x128 RGB + edge maps.

    Built from a :class:`~reference_model.networks.GeneratorArchitecture`; use
    :func:`reference_model.build_generator` rather than this class directly.

    Args:
        architecture: the description (variant, widths, pooling windows).
        channels_last: convert inputs to ``torch.channels_last`` memory format in
            ``forward`` (measured 1.9x faster on CPU, and the tensor-core layout on GPU);
            move the module with ``.to(memory_format=torch.channels_last)`` too.

    Shape:
        - lr: :math:`(N, 3, 16, 16)`, floats in [0, 1].
        - returns ``(sr, edges)``: ``sr`` :math:`(N, 3, 128, 128)` (not clamped: the losses
          see the raw output) and ``edges`` a tuple of :math:`(N, 1, 32, 32)`,
          :math:`(N, 1, 64, 64)`, :math:`(N, 1, 128, 128)` maps to compare with the Canny
          targets (eq. 3).

    Example:
        >>> from reference_model.networks import GeneratorArchitecture
        >>> net = EIPNetGenerator(GeneratorArchitecture(channels=(16, 8, 8, 4)))
        >>> sr, edges = net(torch.rand(2, 3, 16, 16))
        >>> tuple(sr.shape), [tuple(e.shape[-2:]) for e in edges]
        ((2, 3, 128, 128), [(32, 32), (64, 64), (128, 128)])
    """

    def __init__(self, architecture: GeneratorArchitecture, channels_last: bool = True) -> None:
        super().__init__()
        self.architecture = architecture
        self.channels_last = bool(channels_last)
        arch = architecture
        c0, c1, c2, c3 = arch.channels
        widths = arch.residual_widths()
        relu = arch.official
        self.conv0 = nn.Conv2d(3, c0, 3, padding=1)
        self.res1 = ResidualBlock(*widths[0], dilations=arch.res1_dilations)
        self.res1_extra = nn.ModuleList(
            ResidualBlock(*arch.extra_widths()) for _ in range(arch.res1_extra_blocks)
        )
        self.up1 = nn.ConvTranspose2d(c0, c1, 4, stride=2, padding=1)
        self.edge1 = EdgeBlock(c1, pool_size=arch.pool_sizes[0], relu=relu)
        self.res2 = ResidualBlock(*widths[1])
        self.up2 = nn.ConvTranspose2d(c1, c2, 4, stride=2, padding=1)
        self.edge2 = EdgeBlock(c2, pool_size=arch.pool_sizes[1], relu=relu)
        self.res3 = ResidualBlock(*widths[2])
        self.up3 = nn.ConvTranspose2d(c2, c3, 4, stride=2, padding=1)
        self.edge3 = EdgeBlock(c3, pool_size=arch.pool_sizes[2], relu=relu)
        k = arch.last_kernel
        # the projection removes any constant per 8x8 block, so a bias would get no gradient
        self.conv4 = nn.Conv2d(2 * c3, 3, k, padding=k // 2, bias=not arch.lr_projection)
        if arch.bicubic_skip:  # a constant, not a weight: kept out of the state dict
            upscale = bicubic_upscale_matrix(arch.input_size, arch.scale)
            self.register_buffer(
                "upscale", torch.tensor(upscale, dtype=torch.float32), persistent=False
            )

    def _bicubic(self, lr: torch.Tensor) -> torch.Tensor:
        """The x8 bicubic upscaling of ``lr`` in float32 or wider (autocast off), NCHW."""
        with torch.autocast(lr.device.type, enabled=False):
            dtype = _at_least_float32(lr.dtype)  # also after module.to(bfloat16)
            upscale = self.upscale.to(dtype)
            return torch.matmul(torch.matmul(upscale, lr.to(dtype)), upscale.t())

    def _project(self, sr: torch.Tensor, lr: torch.Tensor) -> torch.Tensor:
        """``sr`` made consistent with ``lr``: each 8x8 block shifted to average to its
        input pixel, in float32 or wider (autocast off)."""
        scale = self.architecture.scale
        with torch.autocast(lr.device.type, enabled=False):
            dtype = _at_least_float32(torch.promote_types(sr.dtype, lr.dtype))
            sr = sr.to(dtype)
            residual = lr.to(dtype) - F.avg_pool2d(sr, scale)
            return sr + F.interpolate(residual, scale_factor=scale, mode="nearest")

    def _edge(self, edge: torch.Tensor) -> torch.Tensor:
        if self.architecture.official:
            return torch.relu(edge) / self.architecture.data_scale
        return edge

    def forward(self, lr: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        if self.channels_last:
            lr = lr.contiguous(memory_format=torch.channels_last)
        scale = self.architecture.data_scale
        x = self.conv0(lr * scale if scale != 1.0 else lr)
        x = self.res1(x, x)
        for block in self.res1_extra:
            x = block(x, x)
        up = torch.relu(self.up1(x))
        x, edge1 = self.edge1(up)
        x = self.res2(x, up)
        up = torch.relu(self.up2(x))
        x, edge2 = self.edge2(up)
        x = self.res3(x, up)
        up = torch.relu(self.up3(x))
        x, edge3 = self.edge3(up)
        sr = self.conv4(x)
        if scale != 1.0:
            sr = sr / scale
        if self.architecture.bicubic_skip:
            sr = sr.to(_at_least_float32(sr.dtype)) + self._bicubic(lr)
        if self.architecture.lr_projection:
            sr = self._project(sr, lr)
        return sr, (self._edge(edge1), self._edge(edge2), self._edge(edge3))


def _at_least_float32(dtype: torch.dtype) -> torch.dtype:
    """float32 for the half-precision types, else ``dtype`` (float64 stays float64)."""
    return torch.promote_types(dtype, torch.float32)


def _same_padding(size: int) -> tuple[int, int]:
    """TensorFlow's 'SAME' (before, after) padding of a 3x3 stride-2 conv over ``size``."""
    total = max((-(-size // 2) - 1) * 2 + 3 - size, 0)
    return total // 2, total - total // 2


class EIPNetDiscriminator(nn.Module):
    r"""The EIPNet discriminator (Table 2): a 128x128 RGB image in [0, 1] -> one logit.

    Stride-2 convolutions pad like TensorFlow's 'SAME' (0 before, 1 after on even sizes),
    or not at all in the official variant ('VALID'); the last map is flattened in
    channel-first order, as :class:`~reference_model.networks.keras_networks.KerasEIPNetDiscriminator`
    does, so that weights copy between the backends unchanged.

    Args:
        architecture: the description (variant, widths).
        channels_last: convert inputs to ``torch.channels_last`` memory format.

    Shape:
        - image: :math:`(N, 3, S, S)` with ``S = architecture.image_size``.
        - returns: logits :math:`(N, 1)` (sigmoid cross-entropy, eq. 10).

    Example:
        >>> from reference_model.networks import DiscriminatorArchitecture
        >>> arch = DiscriminatorArchitecture(channels=(4, 4, 8, 8, 8, 8, 8), fc=16)
        >>> EIPNetDiscriminator(arch)(torch.rand(2, 3, 128, 128)).shape
        torch.Size([2, 1])
    """

    def __init__(self, architecture: DiscriminatorArchitecture, channels_last: bool = True) -> None:
        super().__init__()
        self.architecture = architecture
        self.channels_last = bool(channels_last)
        widths = (3, *architecture.channels)
        names = ("conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv4")
        for name, cin, cout, stride in zip(
            names, widths[:-1], widths[1:], architecture.strides, strict=True
        ):
            setattr(self, name, nn.Conv2d(cin, cout, 3, stride=stride, padding=stride % 2))
        self._names = names
        size = architecture.feature_size()
        self.fc1 = nn.Linear(architecture.channels[-1] * size * size, architecture.fc)
        self.fc2 = nn.Linear(architecture.fc, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        if self.channels_last:
            image = image.contiguous(memory_format=torch.channels_last)
        scale = self.architecture.data_scale
        x = image * scale if scale != 1.0 else image
        last = len(self._names) - 1
        for i, name in enumerate(self._names):
            conv = getattr(self, name)
            if conv.stride[0] == 2 and not self.architecture.official:
                x = F.pad(x, _same_padding(x.shape[-1]) + _same_padding(x.shape[-2]))
            x = conv(x)
            if i < last or not self.architecture.official:
                x = F.leaky_relu(x, 0.2)
        x = F.leaky_relu(self.fc1(torch.flatten(x.contiguous(), 1)), 0.2)
        return self.fc2(x)
