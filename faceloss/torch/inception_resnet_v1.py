r"""FaceNet's InceptionResnetV1: the 512-D face embedding network of the identity loss (3.2).

The architecture of facenet-pytorch (timesler/facenet-pytorch,
``models/inception_resnet_v1.py``), itself a port of David Sandberg's TensorFlow FaceNet
(Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual Connections on
Learning", AAAI 2017, arXiv:1602.07261; Schroff et al., "FaceNet", CVPR 2015). Attribute
names equal facenet-pytorch's, so its checkpoints (``20180402-114759-vggface2.pt``) load with
their own key names; read them with :func:`faceloss.weights.facenet.load_facenet_state_dict`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from faceloss._facenet import check_facenet_args
from faceloss.spec import (
    FACENET_BLOCK_REPEATS,
    FACENET_BLOCK_SCALES,
    FACENET_BN_EPS,
    FACENET_BN_MOMENTUM,
    FACENET_DROPOUT_PROB,
    FACENET_EMBEDDING_DIM,
    FACENET_FEATURE_DIM,
    FACENET_INPUT_SIZE,
    FACENET_L2_EPS,
    FACENET_MIN_INPUT_SIZE,
    FACENET_PIXEL_MEAN,
    FACENET_PIXEL_SCALE,
    FACENET_PIXEL_STD,
)
from faceloss.torch._checks import check_finite, check_image, check_layer_dtype

Size = int | tuple[int, int]


def fixed_image_standardization(image: torch.Tensor) -> torch.Tensor:
    r"""Map [0, 1] RGB images to FaceNet's input range with its fixed standardisation.

    The preprocessing the VGGFace2 FaceNet weights were trained with (facenet-pytorch's
    ``fixed_image_standardization`` on 0..255 pixels, written for [0, 1] inputs):

    .. math::
        x' = \frac{255\,x - 127.5}{128}

    :class:`InceptionResnetV1` applies it itself; call it only to inspect the input.

    Args:
        image: RGB images :math:`(N, 3, H, W)`, floats in [0, 1].

    Returns:
        Standardised images, same shape, dtype and device, in [-0.99609375, 0.99609375]
        for inputs in [0, 1].

    Raises:
        TypeError: ``image`` is not a floating-point tensor.
        ValueError: ``image`` is not a non-empty 4-D batch with 3 channels.

    Example:
        >>> import torch
        >>> out = fixed_image_standardization(torch.tensor([0.0, 0.5, 1.0]).view(1, 3, 1, 1))
        >>> out.flatten().tolist()
        [-0.99609375, 0.0, 0.99609375]
    """
    image = check_image(image, "image")
    return _standardize(image)


def _standardize(image: torch.Tensor) -> torch.Tensor:
    return (image * FACENET_PIXEL_SCALE - FACENET_PIXEL_MEAN) / FACENET_PIXEL_STD


class _BasicConv2d(nn.Module):
    """Convolution without bias, batch norm (eps 1e-3), ReLU."""

    def __init__(
        self, in_planes: int, out_planes: int, kernel_size: Size, stride: int, padding: Size = 0
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(out_planes, eps=FACENET_BN_EPS, momentum=FACENET_BN_MOMENTUM)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.bn(self.conv(x)))


class _Block35(nn.Module):
    """Inception-ResNet-A block (35x35 grid in the original, 17x17 at 160 input): 256 channels."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale
        self.branch0 = _BasicConv2d(256, 32, 1, 1)
        self.branch1 = nn.Sequential(_BasicConv2d(256, 32, 1, 1), _BasicConv2d(32, 32, 3, 1, 1))
        self.branch2 = nn.Sequential(
            _BasicConv2d(256, 32, 1, 1),
            _BasicConv2d(32, 32, 3, 1, 1),
            _BasicConv2d(32, 32, 3, 1, 1),
        )
        self.conv2d = nn.Conv2d(96, 256, 1, 1)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat((self.branch0(x), self.branch1(x), self.branch2(x)), 1)
        return self.relu(self.conv2d(mixed) * self.scale + x)


class _Block17(nn.Module):
    """Inception-ResNet-B block: 896 channels, factorised 1x7 / 7x1 branch."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale
        self.branch0 = _BasicConv2d(896, 128, 1, 1)
        self.branch1 = nn.Sequential(
            _BasicConv2d(896, 128, 1, 1),
            _BasicConv2d(128, 128, (1, 7), 1, (0, 3)),
            _BasicConv2d(128, 128, (7, 1), 1, (3, 0)),
        )
        self.conv2d = nn.Conv2d(256, 896, 1, 1)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat((self.branch0(x), self.branch1(x)), 1)
        return self.relu(self.conv2d(mixed) * self.scale + x)


class _Block8(nn.Module):
    """Inception-ResNet-C block: 1792 channels, factorised 1x3 / 3x1 branch; ReLU optional."""

    def __init__(self, scale: float, relu: bool = True) -> None:
        super().__init__()
        self.scale = scale
        self.branch0 = _BasicConv2d(1792, 192, 1, 1)
        self.branch1 = nn.Sequential(
            _BasicConv2d(1792, 192, 1, 1),
            _BasicConv2d(192, 192, (1, 3), 1, (0, 1)),
            _BasicConv2d(192, 192, (3, 1), 1, (1, 0)),
        )
        self.conv2d = nn.Conv2d(384, 1792, 1, 1)
        self.relu = nn.ReLU() if relu else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed = torch.cat((self.branch0(x), self.branch1(x)), 1)
        return self.relu(self.conv2d(mixed) * self.scale + x)


class _Mixed6a(nn.Module):
    """Reduction-A: 256 -> 896 channels, stride 2."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = _BasicConv2d(256, 384, 3, 2)
        self.branch1 = nn.Sequential(
            _BasicConv2d(256, 192, 1, 1),
            _BasicConv2d(192, 192, 3, 1, 1),
            _BasicConv2d(192, 256, 3, 2),
        )
        self.branch2 = nn.MaxPool2d(3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x)), 1)


class _Mixed7a(nn.Module):
    """Reduction-B: 896 -> 1792 channels, stride 2."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = nn.Sequential(_BasicConv2d(896, 256, 1, 1), _BasicConv2d(256, 384, 3, 2))
        self.branch1 = nn.Sequential(_BasicConv2d(896, 256, 1, 1), _BasicConv2d(256, 256, 3, 2))
        self.branch2 = nn.Sequential(
            _BasicConv2d(896, 256, 1, 1),
            _BasicConv2d(256, 256, 3, 1, 1),
            _BasicConv2d(256, 256, 3, 2),
        )
        self.branch3 = nn.MaxPool2d(3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branches = (self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x))
        return torch.cat(branches, 1)


class InceptionResnetV1(nn.Module):
    r"""FaceNet: InceptionResnetV1 mapping [0, 1] RGB face crops to 512-D identity embeddings.

    The network the paper's identity loss uses (section 3.2, "InceptionV1 pretrained on
    VGGFace2"), laid out exactly as facenet-pytorch's ``InceptionResnetV1`` (same attribute
    names, so ``state_dict`` keys match its checkpoints): conv stem, 5 x Block35 (scale 0.17),
    Mixed_6a, 10 x Block17 (0.10), Mixed_7a, 5 x Block8 (0.20), a last Block8 without ReLU,
    global average pool, dropout, ``last_linear`` (1792 -> 512, no bias), ``last_bn``
    (BatchNorm1d), then either the L2 normalisation or the optional ``logits`` classifier.
    All batch norms use eps = 1e-3.

    The input is a batch of RGB faces in [0, 1]; the model applies FaceNet's fixed image
    standardisation :math:`(255x - 127.5)/128` itself (:func:`fixed_image_standardization`).
    The VGGFace2 weights expect 160x160 face crops (``input_size``; facenet-pytorch cuts
    them with its MTCNN detector); the network itself runs on any size of at least 75x75.

    The outputs, and which one an identity loss should softmax (the paper's "512 bins"):

    * ``normalize=False``: the raw ``last_bn`` output :math:`z`, the "bottleneck" before
      normalisation. ``last_bn`` standardises each of the 512 dimensions with its running
      statistics (in the VGGFace2 checkpoint its scale is 1: the TensorFlow original's
      batch norm had none), so entries are of order one and :math:`\lVert z \rVert` is of the
      order of :math:`\sqrt{512} \approx 23`. This is the vector to softmax for eq. 6.
    * ``normalize=True`` (default, facenet-pytorch's output): :math:`z / \lVert z \rVert`,
      unit length, the embedding face distances (Euclidean, cosine) are defined on. Its
      entries are about :math:`1/\sqrt{512} \approx 0.044` in size, so a softmax over them
      is nearly uniform: :math:`\mathrm{softmax}(z / (\lVert z \rVert T))` is the raw
      softmax at a per-face temperature :math:`\lVert z \rVert T`.
    * ``classify=True``: the ``logits`` layer (``num_classes`` outputs, 8631 for VGGFace2)
      applied to the raw ``last_bn`` output, as facenet-pytorch does.

    The model is built frozen and in eval mode (``trainable=False``: every parameter has
    ``requires_grad=False``; batch norms use their running statistics and dropout is off):
    gradients still flow to the *input*, which is what an identity loss needs. Pass
    ``trainable=True`` and call ``.train()`` yourself to fine-tune it.

    Args:
        classify: return the ``logits`` layer's output instead of the embedding.
        num_classes: size of the ``logits`` layer (created only when given; the VGGFace2
            checkpoint has one with 8631 classes). Required with ``classify=True``.
        dropout_prob: dropout probability before ``last_linear`` (active in train mode only).
        normalize: return the L2-normalised embedding (``True``) or the raw ``last_bn``
            output (``False``). Must stay ``True`` with ``classify=True``.
        trainable: leave the parameters trainable (default: frozen).

    Attributes:
        input_size: ``(160, 160)``, the ``(height, width)`` of the face crops the pretrained
            weights expect (callers such as JSIdentityLoss resize to it).
        embedding_dim: 512, the embedding length (the output length unless ``classify``).

    Shape:
        - image: :math:`(N, 3, H, W)`, RGB floats in [0, 1], :math:`H, W \ge 75`.
        - output: :math:`(N, 512)`, or :math:`(N, \text{num\_classes})` with ``classify``.

    Raises:
        TypeError: a constructor argument of the wrong type (named in the message), or an
            input that is not a floating-point tensor.
        ValueError: a bad constructor argument value; an input that is not an
            :math:`(N, 3, H, W)` batch of at least 75x75, or holds NaN/Inf (while value
            checks are on).

    Example:
        >>> import torch
        >>> net = InceptionResnetV1()
        >>> net.input_size, net.embedding_dim
        ((160, 160), 512)
        >>> face = torch.rand(1, 3, 160, 160, requires_grad=True)
        >>> embedding = net(face)
        >>> embedding.shape
        torch.Size([1, 512])
        >>> round(float(embedding.detach().norm()), 4)
        1.0
        >>> embedding.sum().backward()
        >>> face.grad.shape, any(p.requires_grad for p in net.parameters())
        (torch.Size([1, 3, 160, 160]), False)
    """

    input_size: tuple[int, int] = FACENET_INPUT_SIZE
    embedding_dim: int = FACENET_EMBEDDING_DIM

    def __init__(
        self,
        classify: bool = False,
        num_classes: int | None = None,
        dropout_prob: float = FACENET_DROPOUT_PROB,
        normalize: bool = True,
        trainable: bool = False,
    ) -> None:
        super().__init__()
        check_facenet_args(classify, num_classes, dropout_prob, normalize, trainable)
        self.classify = classify
        self.num_classes = num_classes
        self.dropout_prob = float(dropout_prob)
        self.normalize = normalize
        scale_35, scale_17, scale_8, scale_last = FACENET_BLOCK_SCALES
        repeat_35, repeat_17, repeat_8 = FACENET_BLOCK_REPEATS

        self.conv2d_1a = _BasicConv2d(3, 32, 3, 2)
        self.conv2d_2a = _BasicConv2d(32, 32, 3, 1)
        self.conv2d_2b = _BasicConv2d(32, 64, 3, 1, 1)
        self.maxpool_3a = nn.MaxPool2d(3, stride=2)
        self.conv2d_3b = _BasicConv2d(64, 80, 1, 1)
        self.conv2d_4a = _BasicConv2d(80, 192, 3, 1)
        self.conv2d_4b = _BasicConv2d(192, 256, 3, 2)
        self.repeat_1 = nn.Sequential(*(_Block35(scale_35) for _ in range(repeat_35)))
        self.mixed_6a = _Mixed6a()
        self.repeat_2 = nn.Sequential(*(_Block17(scale_17) for _ in range(repeat_17)))
        self.mixed_7a = _Mixed7a()
        self.repeat_3 = nn.Sequential(*(_Block8(scale_8) for _ in range(repeat_8)))
        self.block8 = _Block8(scale_last, relu=False)
        self.avgpool_1a = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(self.dropout_prob)
        self.last_linear = nn.Linear(FACENET_FEATURE_DIM, FACENET_EMBEDDING_DIM, bias=False)
        self.last_bn = nn.BatchNorm1d(
            FACENET_EMBEDDING_DIM, eps=FACENET_BN_EPS, momentum=FACENET_BN_MOMENTUM
        )
        if num_classes is not None:
            self.logits = nn.Linear(FACENET_EMBEDDING_DIM, num_classes)

        self.requires_grad_(trainable)
        self.eval()

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        image = check_image(image, "image", min_size=FACENET_MIN_INPUT_SIZE)
        check_layer_dtype(image, "image", self.conv2d_1a.conv.weight.dtype, "InceptionResnetV1")
        check_finite(image, "image")
        x = _standardize(image)
        x = self.conv2d_1a(x)
        x = self.conv2d_2a(x)
        x = self.conv2d_2b(x)
        x = self.maxpool_3a(x)
        x = self.conv2d_3b(x)
        x = self.conv2d_4a(x)
        x = self.conv2d_4b(x)
        x = self.repeat_1(x)
        x = self.mixed_6a(x)
        x = self.repeat_2(x)
        x = self.mixed_7a(x)
        x = self.repeat_3(x)
        x = self.block8(x)
        x = self.avgpool_1a(x).flatten(1)
        x = self.dropout(x)
        x = self.last_linear(x)
        x = self.last_bn(x)
        if self.classify:
            return self.logits(x)
        if self.normalize:
            return F.normalize(x, p=2.0, dim=1, eps=FACENET_L2_EPS)
        return x

    def extra_repr(self) -> str:
        return (
            f"classify={self.classify}, num_classes={self.num_classes}, "
            f"dropout_prob={self.dropout_prob}, normalize={self.normalize}"
        )
