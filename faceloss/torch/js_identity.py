"""Jensen-Shannon identity loss (paper section 3.2, eqs. 4-6) with a frozen face-recognition network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from faceloss._identity import (
    check_embedding,
    check_network_output,
    check_temperature,
    crop_resize_weights,
    resolve_crop,
    resolve_input_size,
)
from faceloss.spec import JS_IDENTITY_EMBEDDING, JS_IDENTITY_TEMPERATURE, REDUCTIONS
from faceloss.torch._checks import check_choice, check_image, check_range, check_same_shape
from faceloss.torch._precision import at_least_float32
from faceloss.torch._reduce import reduce
from faceloss.torch.js_divergence import js_divergence

Network = Callable[[torch.Tensor], torch.Tensor]


def crop_resize(
    image: torch.Tensor,
    size: tuple[int, int],
    crop: str | Sequence[float] | None = "celeba",
) -> torch.Tensor:
    """Crop a box (fractions of the side) and resize to ``size``: bilinear, antialiased when shrinking.

    Two matrix products with the float64 matrices of ``faceloss._resize.resize_weights``
    (the same in torch and TF; equal to ``F.interpolate(mode="bilinear",
    antialias=True)`` without a crop).

    Args:
        image: :math:`(N, C, H, W)` floats.
        size: output ``(height, width)``.
        crop: ``"celeba"`` (:data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`), ``None`` (whole
            image) or a ``(top, left, height, width)`` box of fractions.

    Returns:
        :math:`(N, C, size_h, size_w)`, dtype and device of ``image``.

    Example:
        >>> import torch
        >>> crop_resize(torch.rand(2, 3, 128, 128), (150, 150)).shape
        torch.Size([2, 3, 150, 150])
    """
    image = check_image(image, "image", channels=None)
    rows, cols = _matrices(
        tuple(image.shape[2:]), tuple(size), resolve_crop(crop), image.dtype, image.device
    )
    return torch.einsum("hi,ncij,wj->nchw", rows, image, cols)


@lru_cache(maxsize=32)
def _matrices(
    in_hw: tuple[int, int],
    out_hw: tuple[int, int],
    box: tuple[float, float, float, float] | None,
    dtype: torch.dtype,
    device: torch.device,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The resampling matrices on the device, made once per geometry (no copy per call)."""
    rows, cols = crop_resize_weights(in_hw, out_hw, box)
    with torch.inference_mode(False), torch.no_grad():
        return (
            torch.tensor(rows, dtype=dtype, device=device),
            torch.tensor(cols, dtype=dtype, device=device),
        )


def _embed(network: Network, image: torch.Tensor) -> torch.Tensor:
    if isinstance(network, nn.Module):
        # Detached weights: whatever the module's requires_grad, the loss never trains it.
        frozen = {k: p.detach() for k, p in network.named_parameters()}
        return torch.func.functional_call(network, frozen, (image,))
    return network(image)


def _logits(embedding: torch.Tensor, temperature: float, mode: str) -> torch.Tensor:
    embedding = embedding.float() if embedding.dtype != torch.float64 else embedding
    if mode == "normalized":
        embedding = F.normalize(embedding, dim=-1, eps=1e-12)
    return embedding / temperature


def js_identity_loss(
    prediction: torch.Tensor,
    target: torch.Tensor,
    network: Network,
    temperature: float = JS_IDENTITY_TEMPERATURE,
    embedding: str = JS_IDENTITY_EMBEDDING,
    crop: str | Sequence[float] | None = "celeba",
    input_size: int | tuple[int, int] | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Jensen-Shannon divergence between the softmaxed identity embeddings of SR and HR faces.

    Both faces are cropped to ``crop`` and resized to the network's input size
    (bilinear, antialiased when shrinking: :func:`crop_resize`), embedded by the
    network (its own input normalisation happens inside it; faceloss networks take
    RGB in [0, 1]), turned into distributions over the embedding bins by a softmax
    with a temperature (eq. 6) and compared with :func:`js_divergence` (eq. 5):

    .. math::
        L_{id} = D_{JS}\big(\mathrm{softmax}(\phi(\hat I) / T),\;
                 \mathrm{softmax}(\phi(I) / T)\big)

    where :math:`\phi` is the embedding (``"raw"`` or L2-``"normalized"``). The target
    branch runs under ``torch.no_grad()``; the network's weights never get a gradient
    (they are detached), only ``prediction`` does. Embeddings are cast to float32 (if
    lower) before the softmax, so autocast (bf16/fp16) is safe. Values lie in
    :math:`[0, \ln 2]`; the function does not change the network's train/eval mode.

    Args:
        prediction: super-resolved faces :math:`(N, 3, H, W)`, RGB in [0, 1].
        target: ground-truth faces, same shape.
        network: a face-recognition network, :math:`(N, 3, h, w) \to (N, D)`
            (e.g. :class:`faceloss.torch.DlibFaceResNet`).
        temperature: softmax temperature :math:`T > 0` (default
            :data:`faceloss.spec.JS_IDENTITY_TEMPERATURE`).
        embedding: ``"raw"`` (default) or ``"normalized"``.
        crop: the face box taken before resizing: ``"celeba"`` (default;
            :data:`faceloss.spec.CELEBA_DLIB_FACE_BOX`, for CelebA-aligned crops),
            ``None`` (whole image) or ``(top, left, height, width)`` fractions.
        input_size: the network's input ``(h, w)``; default ``network.input_size``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (per face, shape :math:`(N,)`).

    Returns:
        Scalar, or :math:`(N,)` for ``reduction="none"``.

    Raises:
        TypeError: an input is not a floating-point tensor; bad ``temperature``/``crop`` type.
        ValueError: bad shapes, unknown ``embedding``/``reduction``, bad ``crop`` box or
            ``temperature``, no known input size, a network that does not return
            ``(N, D)``, input values outside [0, 1] or NaN/Inf (value checks on).

    Example:
        >>> import torch
        >>> from faceloss.torch import DlibFaceResNet
        >>> net = DlibFaceResNet()
        >>> hr = torch.rand(2, 3, 128, 128)
        >>> js_identity_loss(hr, hr, net)
        tensor(0.)
        >>> float(js_identity_loss(torch.rand(2, 3, 128, 128), hr, net)) > 0
        True
    """
    prediction = check_image(prediction, "prediction")
    target = check_image(target, "target")
    check_same_shape(prediction, "prediction", target, "target")
    temperature = check_temperature(temperature)
    embedding = check_embedding(embedding)
    check_choice("reduction", reduction, REDUCTIONS)
    box = resolve_crop(crop)
    size = resolve_input_size(network, input_size)
    check_range(prediction, "prediction", 0.0, 1.0)
    check_range(target, "target", 0.0, 1.0)
    (prediction, target), dtype = at_least_float32(prediction, target)
    weights = next(network.parameters(), None) if isinstance(network, nn.Module) else None
    if weights is not None and weights.is_floating_point():  # the network's dtype
        prediction, target = prediction.to(weights.dtype), target.to(weights.dtype)
    sr = _embed(network, crop_resize(prediction, size, box))
    check_network_output(tuple(sr.shape), prediction.shape[0])
    with torch.no_grad():
        hr = _embed(network, crop_resize(target, size, box))
    divergence = js_divergence(
        _logits(sr, temperature, embedding), _logits(hr, temperature, embedding), dim=-1
    )
    return reduce(divergence, reduction).to(dtype)


class JSIdentityLoss(nn.Module):
    r"""Jensen-Shannon identity loss (eqs. 4-6) with a frozen network; see :func:`js_identity_loss`.

    The network is put in eval mode and frozen (``requires_grad_(False)``) at
    construction and stays in eval mode when the loss' parent calls ``.train()``.
    It moves with the loss (``.to(device)``); everything runs on the inputs' device.

    Args:
        network: ``"dlib"`` (default: :class:`faceloss.torch.DlibFaceResNet`, weights from
            ``face_recognition_models``) or any ``nn.Module``/callable mapping
            :math:`(N, 3, h, w)` RGB in [0, 1] to :math:`(N, D)`, e.g. an
            ``InceptionResnetV1`` (pass ``input_size`` if it has no ``input_size``).
        temperature: softmax temperature (default 0.5, see
            :data:`faceloss.spec.JS_IDENTITY_TEMPERATURE`).
        embedding: ``"raw"`` (default) or ``"normalized"``.
        crop: ``"celeba"`` (default), ``None`` or a ``(top, left, height, width)`` box.
        input_size: the network's input size; default ``network.input_size``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Shape:
        - prediction: :math:`(N, 3, H, W)`, RGB in [0, 1], any size (resized).
        - target: :math:`(N, 3, H, W)`.
        - output: scalar, or :math:`(N,)` for ``reduction="none"``.

    Example:
        >>> import torch
        >>> criterion = JSIdentityLoss()
        >>> sr = torch.rand(2, 3, 128, 128, requires_grad=True)
        >>> loss = criterion(sr, torch.rand(2, 3, 128, 128))
        >>> loss.backward()
        >>> sr.grad.shape, criterion.network.conv0.weight.grad is None
        (torch.Size([2, 3, 128, 128]), True)
    """

    def __init__(
        self,
        network: str | Network = "dlib",
        temperature: float = JS_IDENTITY_TEMPERATURE,
        embedding: str = JS_IDENTITY_EMBEDDING,
        crop: str | Sequence[float] | None = "celeba",
        input_size: int | tuple[int, int] | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__()
        self.temperature = check_temperature(temperature)
        self.embedding = check_embedding(embedding)
        self.crop = resolve_crop(crop)
        check_choice("reduction", reduction, REDUCTIONS)
        self.reduction = reduction
        if isinstance(network, str):
            check_choice("network", network, ("dlib",))
            from faceloss.torch.dlib_face_resnet import DlibFaceResNet

            network = DlibFaceResNet()
        elif not callable(network):
            raise TypeError(
                f"network must be 'dlib', an nn.Module or a callable, got {type(network).__name__}"
            )
        self.input_size = resolve_input_size(network, input_size)
        if isinstance(network, nn.Module):
            network.requires_grad_(False)
            network.eval()
        self.network = network

    def train(self, mode: bool = True) -> JSIdentityLoss:
        super().train(mode)
        if isinstance(self.network, nn.Module):
            self.network.eval()
        return self

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return js_identity_loss(
            prediction,
            target,
            self.network,
            self.temperature,
            self.embedding,
            self.crop,
            self.input_size,
            self.reduction,
        )

    def extra_repr(self) -> str:
        return (
            f"temperature={self.temperature}, embedding={self.embedding!r}, crop={self.crop}, "
            f"input_size={self.input_size}, reduction={self.reduction!r}"
        )
