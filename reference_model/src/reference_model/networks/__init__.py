"""EIPNet's networks in PyTorch and Keras, from one description.

>>> from reference_model.networks import GeneratorArchitecture
>>> GeneratorArchitecture().channels
(512, 256, 128, 64)
"""

from __future__ import annotations

from typing import Any

from reference_model.networks.architecture import (
    VARIANTS,
    DiscriminatorArchitecture,
    GeneratorArchitecture,
)

BACKENDS = ("torch", "keras")
"""Backends :func:`build_generator` and :func:`build_discriminator` build for."""


def _check_backend(backend: object) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return str(backend)


def build_generator(
    backend: str = "torch",
    variant: str = "paper",
    *,
    channels: tuple[int, int, int, int] | None = None,
    pool_sizes: tuple[int, int, int] | None = None,
    bicubic_skip: bool = False,
    res1_dilations: tuple[int, int] = (1, 1),
    lr_projection: bool = False,
    res1_extra_blocks: int = 0,
    res1_extra_width: int = 0,
    architecture: GeneratorArchitecture | None = None,
    channels_last: bool = True,
    dtype: str | None = None,
) -> Any:
    r"""The EIPNet generator of Table 1 in PyTorch or Keras.

    16x16 RGB faces in [0, 1] go in; a 128x128 RGB face and the three edge maps
    (32, 64, 128 px) that the edge loss compares with Canny targets come out.

    Args:
        backend: ``"torch"`` (an ``nn.Module``, NCHW) or ``"keras"`` (a built
            ``keras.Model``, NHWC).
        variant: ``"paper"`` (Table 1) or ``"official"`` (the authors' TensorFlow code: 1x1
            last conv, ReLU on the EdgeBlock difference and on the edge map, 0..255 inside);
            see :class:`GeneratorArchitecture`.
        channels: ``(conv0, stage1, stage2, stage3)`` widths; default Table 1's
            ``(512, 256, 128, 64)``.
        pool_sizes: EdgeBlock windows; default ``(5, 7, 10)``.
        bicubic_skip: add the bicubic upscaling of the input to the output (not in the
            paper; the ``cpu-small`` preset's choice), see :class:`GeneratorArchitecture`.
        res1_dilations: dilation of residual block 1's two convolutions (not in the paper,
            which has ``(1, 1)``; ``cpu-small`` uses ``(2, 4)``).
        lr_projection: end with the projection onto the outputs whose 8x8 box means equal
            the input (not in the paper), see
            :class:`GeneratorArchitecture`.
        res1_extra_blocks: plain residual blocks after residual block 1 on the 16x16 grid
            (not in the paper, which has none), see :class:`GeneratorArchitecture`.
        res1_extra_width: the inner width of those blocks (0: ``channels[0]``).
        architecture: a complete description instead of the eight arguments above.
        channels_last: torch only: run in ``channels_last`` memory format (the default,
            1.9x faster on CPU and tensor-core friendly on GPU); the module's parameters
            are converted too.
        dtype: Keras only: the layers' dtype policy (e.g. ``"mixed_bfloat16"``).

    Returns:
        The torch module or the built Keras model. ``model(lr)`` returns ``(sr, edges)``.

    Example:
        >>> import torch
        >>> net = build_generator("torch", channels=(16, 8, 8, 4))
        >>> sr, edges = net(torch.rand(1, 3, 16, 16))
        >>> tuple(sr.shape)
        (1, 3, 128, 128)
    """
    backend = _check_backend(backend)
    if architecture is None:
        kwargs: dict[str, Any] = {
            "variant": variant,
            "bicubic_skip": bicubic_skip,
            "res1_dilations": tuple(res1_dilations),
            "lr_projection": lr_projection,
            "res1_extra_blocks": res1_extra_blocks,
            "res1_extra_width": res1_extra_width,
        }
        if channels is not None:
            kwargs["channels"] = tuple(channels)
        if pool_sizes is not None:
            kwargs["pool_sizes"] = tuple(pool_sizes)
        architecture = GeneratorArchitecture(**kwargs)
    elif not isinstance(architecture, GeneratorArchitecture):
        raise TypeError(f"architecture must be a GeneratorArchitecture, got {architecture!r}")
    if backend == "torch":
        import torch

        from reference_model.networks.torch_networks import EIPNetGenerator

        model = EIPNetGenerator(architecture, channels_last=channels_last)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        return model
    from reference_model.networks.keras_networks import KerasEIPNetGenerator

    model = KerasEIPNetGenerator(architecture, **({"dtype": dtype} if dtype else {}))
    model.build()
    return model


def build_discriminator(
    backend: str = "torch",
    variant: str = "paper",
    *,
    channels: tuple[int, ...] | None = None,
    fc: int | None = None,
    architecture: DiscriminatorArchitecture | None = None,
    channels_last: bool = True,
    dtype: str | None = None,
) -> Any:
    r"""The EIPNet discriminator of Table 2 in PyTorch or Keras: a 128x128 face -> one logit.

    Args:
        backend: ``"torch"`` or ``"keras"``.
        variant: ``"paper"`` or ``"official"`` ('VALID' stride-2 convs, no LeakyReLU after
            the last conv, 0..255 inside); see :class:`DiscriminatorArchitecture`.
        channels: the seven conv widths; default ``(128, 128, 256, 256, 256, 512, 512)``.
        fc: the first fully connected layer's width; default 512.
        architecture: a complete description instead of the arguments above.
        channels_last: torch only, as in :func:`build_generator`.
        dtype: Keras only: the layers' dtype policy.

    Returns:
        The torch module or the built Keras model; ``model(image)`` returns logits
        :math:`(N, 1)`.

    Example:
        >>> import torch
        >>> net = build_discriminator("torch", channels=(4, 4, 8, 8, 8, 8, 8), fc=16)
        >>> net(torch.rand(2, 3, 128, 128)).shape
        torch.Size([2, 1])
    """
    backend = _check_backend(backend)
    if architecture is None:
        kwargs: dict[str, Any] = {"variant": variant}
        if channels is not None:
            kwargs["channels"] = tuple(channels)
        if fc is not None:
            kwargs["fc"] = fc
        architecture = DiscriminatorArchitecture(**kwargs)
    elif not isinstance(architecture, DiscriminatorArchitecture):
        raise TypeError(f"architecture must be a DiscriminatorArchitecture, got {architecture!r}")
    if backend == "torch":
        import torch

        from reference_model.networks.torch_networks import EIPNetDiscriminator

        model = EIPNetDiscriminator(architecture, channels_last=channels_last)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        return model
    from reference_model.networks.keras_networks import KerasEIPNetDiscriminator

    model = KerasEIPNetDiscriminator(architecture, **({"dtype": dtype} if dtype else {}))
    model.build()
    return model


__all__ = [
    "BACKENDS",
    "VARIANTS",
    "DiscriminatorArchitecture",
    "GeneratorArchitecture",
    "build_discriminator",
    "build_generator",
]
