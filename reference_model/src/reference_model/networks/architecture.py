"""What an EIPNet is made of: the paper's Tables 1-2 and the official code's differences.

One frozen dataclass per network describes it completely; the torch and Keras builders
read the same description, so the two backends cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

VARIANTS = ("paper", "official")
"""``"paper"``: Tables 1-2 as printed. ``"official"``: the authors' public TensorFlow code."""

OFFICIAL_DATA_SCALE = 255.0
"""The official code feeds 0..255 floats (and 0/255 Canny maps) to its networks."""


def check_variant(variant: object) -> str:
    """Return ``variant`` if it is ``"paper"`` or ``"official"``, else raise ``ValueError``.

    Example:
        >>> check_variant("paper")
        'paper'
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return str(variant)


def _positive_ints(name: str, values: object, length: int) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or len(values) != length:
        raise ValueError(f"{name} must be a sequence of {length} ints, got {values!r}")
    out = tuple(values)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in out):
        raise ValueError(f"{name} must hold positive ints, got {values!r}")
    return out


@dataclass(frozen=True)
class GeneratorArchitecture:
    r"""The EIPNet generator (Table 1): 16x16 RGB in, 128x128 RGB and three edge maps out.

    ``conv0`` (3x3, ``channels[0]``) -> residual block 1 (two 3x3 convs with ReLU, plus
    ``conv0``) -> for each stage k = 1, 2, 3: a 4x4 stride-2 transposed conv with ReLU to
    ``channels[k]``, an EdgeBlock (average pool ``pool_sizes[k-1]``), and (k < 3) a residual
    block over the 2 ``channels[k]`` concatenated maps whose skip is the transposed conv's
    output -> ``conv4`` to RGB.

    ``variant="official"`` makes the differences of the authors' TensorFlow code:

    ==============================  ====================  ===============================
    what                            paper (Table 1)       official code (``networks.py``)
    ==============================  ====================  ===============================
    last layer ``conv4``            3x3 conv              1x1 conv
    EdgeBlock difference D          F - avgpool(F)        ReLU(F - avgpool(F)), also in the
                                                          concatenation [F, D]
    edge map                        1x1 conv of D         ReLU(1x1 conv of D)
    data range                      [0, 1]                0..255 (inputs scaled by 255,
                                                          outputs and edge maps divided
                                                          by 255 here, so both variants
                                                          take and give [0, 1])
    ==============================  ====================  ===============================

    Both concatenate ``[F, D]`` in that order along the channel axis.

    ``bicubic_skip=True`` (in neither the paper nor the official code; off by default)
    adds the x8 bicubic upscaling of the input to ``conv4``'s output, so that the
    network learns the residual over bicubic (see :mod:`reference_model.networks.skip`).
    It adds no parameters. The ``cpu-small`` preset uses it: with 853 training faces on
    a 2-core CPU the narrow network gained +1.07 dB over bicubic in 300 steps with it and
    +0.26 dB without (MSE, Adam 3e-3, same seed; held-out CelebA-1000 faces).

    ``res1_dilations`` (also not in the paper; default ``(1, 1)``: Table 1's plain 3x3
    convolutions) dilates residual block 1's two convolutions, the only ones on the 16x16
    input grid. Table 1's generator sees 7x7 input pixels before its first upsampling; with
    ``(4, 4)`` it sees 19x19, the whole face, for the same weights and multiply-adds. The
    ``cpu-small`` preset uses ``(2, 4)`` (15x15 pixels, no gridding gaps): +0.13 dB over
    ``(1, 1)`` after 800 steps (MSE, bicubic skip, 48 validation faces); dilating residual
    block 2 too was worse.

    ``lr_projection=True`` (not in the paper either; off by default) ends the generator
    with the orthogonal projection onto the images consistent with the input under the
    progressive-bilinear degradation (:func:`reference_model.data.degrade`: the 8x8 box
    mean): ``sr + nearest_x8(lr - box_mean_8x8(sr))``. Every 8x8 block of the output then
    averages to its input pixel, as the true face's does; since the true face lies in that
    set, the projection can only bring the output closer to it (the PSNR never drops),
    and trained with it in the loop the network spends nothing on what the input already
    fixes. It adds no weights and takes away ``conv4``'s bias: a constant per block, which
    the projection cancels, so it would get no gradient. It assumes that degradation:
    faces downscaled another way (e.g. ``degradation="bicubic"``) do not satisfy it.
    Measured with the ``cpu-small`` recipe: +0.10 dB of validation gain over bicubic after
    800 steps, +0.06 dB after 2,000 (MSE probe, 48 validation faces), but a full 8,000-step
    run with it alone scored within noise of the run without (+1.54 against +1.52 dB on
    the CelebA-1000 test split, +1.10 against +1.14 dB on Helen-50). ``cpu-small`` uses
    it; the shipped model's results are in its model card (``pretrained/cpu-small.md``).

    ``res1_extra_blocks`` (not in the paper either; default 0) adds that many plain residual
    blocks after residual block 1, on the 16x16 grid: two 3x3 convolutions each
    (``channels[0]`` -> ``res1_extra_width`` -> ``channels[0]``, undilated), added to their
    input. Unlike the three options above they have weights. Table 1's generator has two
    convolutions at the input's resolution, where a whole face is 256 positions; the
    ``cpu-small`` preset uses four more blocks (1.18 M more parameters, 1.2x the step time):
    after 8,000 steps its held-out gain over bicubic was +1.87 dB on the CelebA-1000 test
    split and +1.48 dB on Helen-50, against +1.77 and +1.31 dB without them, where 1.56x the
    parameters spread over all stages (wider channels) had added 0.02 dB.

    Args:
        variant: ``"paper"`` or ``"official"``.
        channels: ``(conv0, stage 1, stage 2, stage 3)`` widths; Table 1 is
            ``(512, 256, 128, 64)`` (11.92 M parameters). Narrower presets keep the topology.
        pool_sizes: EdgeBlock average-pooling windows at 32, 64 and 128 px (paper: 5, 7, 10).
        bicubic_skip: add the bicubic upscaling of the input to the output (default off).
        res1_dilations: dilation of residual block 1's ``conv1`` and ``conv2`` (default
            ``(1, 1)`` as Table 1).
        lr_projection: project the output onto the images whose 8x8 box means equal the
            input, without ``conv4``'s bias (default off).
        res1_extra_blocks: plain residual blocks (3x3 convolutions, identity skip) after
            residual block 1 on the 16x16 grid (default 0, as Table 1).
        res1_extra_width: the width of those blocks' inner convolution (``conv1``'s
            output); 0 (the default) means ``channels[0]``.

    Example:
        >>> GeneratorArchitecture().parameter_count()
        11915654
        >>> GeneratorArchitecture(variant="official").parameter_count()
        11912582
    """

    variant: str = "paper"
    channels: tuple[int, int, int, int] = (512, 256, 128, 64)
    pool_sizes: tuple[int, int, int] = (5, 7, 10)
    bicubic_skip: bool = False
    res1_dilations: tuple[int, int] = (1, 1)
    lr_projection: bool = False
    res1_extra_blocks: int = 0
    res1_extra_width: int = 0
    input_size: int = field(default=16, init=False)
    scale: int = field(default=8, init=False)

    def __post_init__(self) -> None:
        check_variant(self.variant)
        object.__setattr__(self, "channels", _positive_ints("channels", self.channels, 4))
        object.__setattr__(self, "pool_sizes", _positive_ints("pool_sizes", self.pool_sizes, 3))
        for flag in ("bicubic_skip", "lr_projection"):
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(f"{flag} must be a bool, got {getattr(self, flag)!r}")
        object.__setattr__(
            self, "res1_dilations", _positive_ints("res1_dilations", self.res1_dilations, 2)
        )
        for name in ("res1_extra_blocks", "res1_extra_width"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an int >= 0, got {value!r}")

    @property
    def official(self) -> bool:
        """Whether this is the official code's variant."""
        return self.variant == "official"

    @property
    def last_kernel(self) -> int:
        """Kernel size of ``conv4``: 3 (paper) or 1 (official)."""
        return 1 if self.official else 3

    @property
    def data_scale(self) -> float:
        """Factor between [0, 1] images and what the layers see: 1 or 255 (official)."""
        return OFFICIAL_DATA_SCALE if self.official else 1.0

    def residual_widths(self) -> list[tuple[int, int, int]]:
        """``(in, mid, out)`` channels of the three residual blocks' convolutions."""
        c0, c1, c2, _ = self.channels
        return [(c0, c0, c0), (2 * c1, 2 * c1, c1), (2 * c2, 2 * c2, c2)]

    def extra_widths(self) -> tuple[int, int, int]:
        """``(in, mid, out)`` channels of each of the ``res1_extra_blocks``.

        Example:
            >>> GeneratorArchitecture(channels=(128, 64, 32, 16), res1_extra_blocks=4).extra_widths()
            (128, 128, 128)
            >>> GeneratorArchitecture(channels=(128, 64, 32, 16), res1_extra_width=64).extra_widths()
            (128, 64, 128)
        """
        c0 = self.channels[0]
        return c0, self.res1_extra_width or c0, c0

    def parameter_count(self) -> int:
        """Number of weights and biases, counted from the description alone."""
        c0, c1, c2, c3 = self.channels
        total = 3 * 9 * c0 + c0
        for cin, mid, out in self.residual_widths():
            total += cin * mid * 9 + mid + mid * out * 9 + out
        _, mid, _ = self.extra_widths()
        total += self.res1_extra_blocks * (2 * c0 * mid * 9 + mid + c0)
        for cin, cout in ((c0, c1), (c1, c2), (c2, c3)):
            total += cin * cout * 16 + cout + cout + 1  # transposed conv; edge 1x1 conv
        k = self.last_kernel
        return total + 2 * c3 * 3 * k * k + (0 if self.lr_projection else 3)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (``variant``, ``channels``, ``pool_sizes``, and
        ``bicubic_skip``, ``res1_dilations``, ``lr_projection``, ``res1_extra_blocks`` and
        ``res1_extra_width`` when they differ from Table 1, so that files written before
        they existed compare equal)."""
        out = asdict(self)
        for key in ("input_size", "scale"):
            out.pop(key)
        if not self.bicubic_skip:
            out.pop("bicubic_skip")
        if self.res1_dilations == (1, 1):
            out.pop("res1_dilations")
        if not self.lr_projection:
            out.pop("lr_projection")
        for key in ("res1_extra_blocks", "res1_extra_width"):
            if not out[key]:
                out.pop(key)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


@dataclass(frozen=True)
class DiscriminatorArchitecture:
    r"""The discriminator of Table 2: seven 3x3 convs with LeakyReLU(0.2), FC, FC -> 1 logit.

    Strides ``(1, 2, 1, 2, 1, 2, 1)``; a 128x128 image becomes a 16x16 map (15x15 with the
    official code's 'VALID' stride-2 convs), flattened in channel-first order in both
    backends, then FC ``fc`` + LeakyReLU and FC 1 (the logit for eq. 10).

    ``variant="official"`` makes the differences of the authors' code: the stride-2 convs
    use 'VALID' padding (the paper: none stated, 'SAME' here, TensorFlow's rule of padding
    0 before and 1 after), there is no LeakyReLU after the last conv, and the inputs are
    scaled to 0..255.

    Args:
        variant: ``"paper"`` or ``"official"``.
        channels: the seven conv widths; Table 2: ``(128, 128, 256, 256, 256, 512, 512)``.
        fc: width of the first fully connected layer (Table 2: 512).
        image_size: input height and width (128).

    Example:
        >>> DiscriminatorArchitecture().feature_size()
        16
        >>> DiscriminatorArchitecture(variant="official").feature_size()
        15
    """

    variant: str = "paper"
    channels: tuple[int, ...] = (128, 128, 256, 256, 256, 512, 512)
    fc: int = 512
    image_size: int = 128
    strides: tuple[int, ...] = field(default=(1, 2, 1, 2, 1, 2, 1), init=False)

    def __post_init__(self) -> None:
        check_variant(self.variant)
        object.__setattr__(self, "channels", _positive_ints("channels", self.channels, 7))
        _positive_ints("fc", (self.fc,), 1)
        _positive_ints("image_size", (self.image_size,), 1)

    @property
    def official(self) -> bool:
        """Whether this is the official code's variant."""
        return self.variant == "official"

    @property
    def data_scale(self) -> float:
        """Factor between [0, 1] images and what the layers see: 1 or 255 (official)."""
        return OFFICIAL_DATA_SCALE if self.official else 1.0

    def feature_size(self) -> int:
        """Height (= width) of the last conv's output map."""
        size = self.image_size
        for stride in self.strides:
            if stride == 2:
                size = (size - 3) // 2 + 1 if self.official else -(-size // 2)
        return size

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "variant": self.variant,
            "channels": list(self.channels),
            "fc": self.fc,
            "image_size": self.image_size,
        }
