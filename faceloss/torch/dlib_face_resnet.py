"""dlib's face-recognition ResNet v1 (128-D face descriptors) as a PyTorch module.

The network of dlib's ``examples/dnn_face_recognition_ex.cpp`` (Davis King, public
domain weights, the model behind the ``face_recognition`` package that the EIPNet
paper used for its identity metrics), re-implemented so that it runs, and passes
gradients, without dlib. Weights come from ``face_recognition_models``
(:mod:`faceloss.weights.dlib`).
"""

from __future__ import annotations

import os

import torch
import torch.nn.functional as F
from torch import nn

from faceloss.spec import (
    DLIB_FACE_RESNET_BLOCKS,
    DLIB_FACE_RESNET_EMBEDDING_DIM,
    DLIB_FACE_RESNET_INPUT_SIZE,
    DLIB_FACE_RESNET_MEAN_RGB,
    DLIB_FACE_RESNET_SCALE,
)
from faceloss.torch._checks import check_image, check_layer_dtype, check_range


def zero_pad_add(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """dlib's ``add_prev``: sum of two NCHW tensors, the smaller zero-padded (bottom/right, channels)."""
    shape = [max(x, y) for x, y in zip(a.shape, b.shape, strict=True)]

    def grow(t: torch.Tensor) -> torch.Tensor:
        pads = (0, shape[3] - t.shape[3], 0, shape[2] - t.shape[2], 0, shape[1] - t.shape[1])
        return F.pad(t, pads) if any(pads) else t

    return grow(a) + grow(b)


class Affine(nn.Module):
    """Per-channel scale and shift (dlib's ``affine`` layer: batch norm folded at training end)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma[:, None, None] + self.beta[:, None, None]


class ResidualBlock(nn.Module):
    """conv3x3 -> affine -> ReLU -> conv3x3 -> affine, plus the shortcut, then ReLU.

    With ``stride=2`` the first convolution is unpadded and strided and the shortcut is
    a 2x2/2 average pool, added with dlib's zero padding (:func:`zero_pad_add`).
    """

    def __init__(self, in_channels: int, channels: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        padding = 0 if stride == 2 else 1
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride=stride, padding=padding)
        self.affine1 = Affine(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.affine2 = Affine(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.affine1(self.conv1(x)))
        y = self.affine2(self.conv2(y))
        shortcut = F.avg_pool2d(x, 2, 2) if self.stride == 2 else x
        return F.relu(zero_pad_add(y, shortcut))


class DlibFaceResNet(nn.Module):
    r"""dlib's 128-D face descriptor network (``dlib_face_recognition_resnet_model_v1``).

    Takes 150x150 RGB face chips in [0, 1] (aligned as by ``dlib.get_face_chip(img,
    shape, size=150, padding=0.25)``) and returns dlib's descriptors: the same
    numbers as ``dlib.face_recognition_model_v1(...).compute_face_descriptor(chip)``
    (to < 1e-5 in float32). Two faces are the same person when their Euclidean
    distance is under 0.6. The input normalisation is inside the network:

    .. math::
        x_{dlib} = (255\,x - \mu_{rgb}) / 256, \quad \mu_{rgb} \approx (122.78, 117.00, 104.30)

    Stem: conv 7x7/2 (32) -> affine -> ReLU -> max-pool 3x3/2; 14 residual blocks
    (:data:`faceloss.spec.DLIB_FACE_RESNET_BLOCKS`); ReLU -> global average pool ->
    linear 256 -> 128 without bias. 29 convolutions, 5,614,592 parameters.

    The module is frozen by default (``requires_grad=False`` on every weight) but
    differentiable with respect to its input, so it can sit inside a loss. It is
    device-agnostic (``.to(device)``); it has no batch norm or dropout, so train and
    eval mode compute the same thing.

    Args:
        weights_path: the ``.dat`` file; ``None`` (default) reads it from the installed
            ``face_recognition_models`` package (``pip install 'faceloss[identity]'``).
        pretrained: ``False`` leaves the layers randomly initialised (for tests).
        trainable: ``True`` lets the weights receive gradients.

    Shape:
        - input: :math:`(N, 3, 150, 150)`, RGB floats in [0, 1] (other sizes are refused:
          resizing is :class:`faceloss.torch.JSIdentityLoss`'s job).
        - output: :math:`(N, 128)`, in the input's dtype.

    Raises:
        FileNotFoundError: no weights file (package not installed, bad path).
        faceloss.weights.dlib.DlibFormatError: the file is not an intact copy.
        TypeError: (when called) ``image`` is not a float tensor or not of the
            network's dtype (outside ``torch.autocast``).
        ValueError: (when called) ``image`` is not (N, 3, 150, 150) (NCHW), or (value
            checks on) has values outside [0, 1] or NaN/Inf.

    Example:
        >>> import torch
        >>> net = DlibFaceResNet()
        >>> net(torch.full((2, 3, 150, 150), 0.5)).shape
        torch.Size([2, 128])
        >>> any(p.requires_grad for p in net.parameters())
        False
    """

    input_size: tuple[int, int] = DLIB_FACE_RESNET_INPUT_SIZE
    embedding_dim: int = DLIB_FACE_RESNET_EMBEDDING_DIM

    def __init__(
        self,
        weights_path: str | os.PathLike[str] | None = None,
        pretrained: bool = True,
        trainable: bool = False,
    ) -> None:
        super().__init__()
        self.weights_path = None if weights_path is None else os.fspath(weights_path)
        self.register_buffer(
            "mean_rgb",
            torch.tensor(DLIB_FACE_RESNET_MEAN_RGB, dtype=torch.float32),
            persistent=False,
        )
        self.conv0 = nn.Conv2d(3, 32, 7, stride=2)
        self.affine0 = Affine(32)
        blocks = []
        channels = 32
        for out, stride in DLIB_FACE_RESNET_BLOCKS:
            blocks.append(ResidualBlock(channels, out, stride))
            channels = out
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(channels, 128, bias=False)
        if pretrained:
            self.load_dlib_weights(self.weights_path)
        self.requires_grad_(trainable)

    def load_dlib_weights(self, path: str | os.PathLike[str] | None = None) -> None:
        """Load the weights (and input means) from dlib's file; ``None``: the installed package."""
        from faceloss.weights.dlib import read_dlib_face_resnet

        weights = read_dlib_face_resnet(path)
        state = {name: torch.from_numpy(array) for name, array in weights.arrays.items()}
        with torch.no_grad():
            self.load_state_dict(state, strict=True)
            self.mean_rgb.copy_(torch.tensor(weights.mean_rgb, dtype=torch.float32))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        image = check_image(image, "image")
        check_layer_dtype(image, "image", self.fc.weight.dtype, "DlibFaceResNet")
        check_range(image, "image", 0.0, 1.0)
        size = tuple(image.shape[2:])
        if size != self.input_size:
            raise ValueError(
                f"image must be {self.input_size[0]}x{self.input_size[1]} face chips "
                f"(NCHW), got {size[0]}x{size[1]}: shape {tuple(image.shape)}; resize first "
                "(JSIdentityLoss does)"
            )
        mean = self.mean_rgb.to(image.dtype)[:, None, None]
        x = (image * 255.0 - mean) / DLIB_FACE_RESNET_SCALE
        x = F.max_pool2d(F.relu(self.affine0(self.conv0(x))), 3, 2)
        for block in self.blocks:
            x = block(x)
        return self.fc(x.mean(dim=(2, 3)))

    def extra_repr(self) -> str:
        return f"weights_path={self.weights_path!r}"
