"""Training augmentation: flips, rotations, zooms and shifts, deterministic per sample."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import ndimage

__all__ = ["Augment", "RotateMode", "augment_face", "sample_rng", "warp_face"]

RotateMode = Literal["paper", "official", "none"]


def sample_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    """The random generator of one sample: NumPy's PCG64 seeded by ``(seed, epoch, index)``.

    Every random choice of a sample comes from it, in the same process or a data worker,
    in the torch or the ``tf.data`` pipeline, so the same ``(seed, epoch, index)`` gives
    the same sample everywhere.

    Args:
        seed: the run's seed, >= 0.
        epoch: the epoch, >= 0.
        index: the sample's index in the dataset, >= 0.

    Returns:
        A fresh :class:`numpy.random.Generator`.

    Raises:
        ValueError: a negative argument.

    Example:
        >>> float(sample_rng(0, 1, 2).random()) == float(sample_rng(0, 1, 2).random())
        True
    """
    for name, value in (("seed", seed), ("epoch", epoch), ("index", index)):
        if int(value) < 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, epoch, index])))


@dataclass(frozen=True)
class Augment:
    """Training augmentation of the HR face (before degradation and edge targets).

    The paper (section 4.2): "we horizontally flip input images with a probability of
    0.5 and rotate the images by 90 and 270 degrees". The authors' TensorFlow code: a
    flip with p = 0.5, then with p = 0.5 a rotation by an angle drawn from
    {90, 180, 270} with ``cv2.warpAffine`` about ``(w/2, h/2)``, which is half a pixel
    off the image centre ``((w-1)/2, (h-1)/2)``: the rotated face is shifted by one
    pixel and one border row and/or column is black.

    ``rotate``:

    * ``"paper"``: with probability ``rotate_p`` rotate by 90 or 270 degrees (equally
      likely), exactly about the centre (``numpy.rot90``). The paper gives no
      probability; ``rotate_p = 0.5`` as the official code.
    * ``"official"``: with probability ``rotate_p`` rotate by 90, 180 or 270 degrees
      (equally likely), bit-exact to the official ``cv2.warpAffine`` (one-pixel shift,
      black row/column).
    * ``"none"``: no rotation.

    ``shift`` (in neither the paper nor the official code; 0 turns it off) then translates
    the face by whole pixels, ``dy`` and ``dx`` drawn uniformly from ``[-shift, shift]``,
    mirroring the image at the border (``numpy.pad(mode="reflect")``). Aligned faces
    shift a little from photo to photo; with 853 training faces the translations are what
    keeps the ``cpu-small`` network from overfitting them (validation gain over bicubic
    after 2,000 steps of MSE: +1.42 dB without, +1.60 dB with ``shift=4``).

    ``tilt`` and ``zoom`` (in neither the paper nor the official code; 0 turns each off)
    warp the face before the shift: a rotation by an angle drawn uniformly from
    ``[-tilt, tilt]`` degrees and a scaling by a factor drawn from ``[1 - zoom, 1 + zoom]``,
    both about the image centre, resampled with cubic splines and mirrored at the border
    (:func:`warp_face`). They mimic the slack of face alignment, which differs between
    datasets (validation gain over bicubic after 2,000 steps of MSE with ``shift=4``:
    +1.66 dB without, +1.72 dB with ``tilt=10, zoom=0.08``; +1.68 dB with 15 and 0.15).

    ``mixup`` (in neither the paper nor the official code; 0 turns it off) is the
    probability of blending the augmented face with a second training face, augmented with
    its own draws: ``weight * face + (1 - weight) * partner``, the weight uniform in
    [0, 1], rounded back to 8 bits. The LR input and the edge targets are made from the
    blend, so every pair stays exact. With aligned faces the blends are new face-like
    images; they did not stand in for more faces on the ``cpu-small`` recipe (with the
    edge weight 0.3 of the time, 20,000 steps with ``mixup=0.5``: gain over bicubic
    +1.62 dB on held-out CelebA-1000 faces instead of +1.68, and +1.79 dB instead of
    +1.99 on the training faces), so no preset turns it on.

    Angles are counter-clockwise (cv2's and ``numpy.rot90``'s sense). Every sample draws
    the same ten uniform numbers (flip, rotate, angle: :meth:`draw`; then dy, dx:
    :meth:`draw_shift`; then tilt, zoom: :meth:`draw_warp`; then whether to blend, the
    partner and the weight: :meth:`draw_mixup`) from :func:`sample_rng`, in that order,
    whatever the settings; a blended sample then draws its partner's first seven.

    Attributes:
        hflip: probability of a horizontal flip, in [0, 1].
        rotate: ``"paper"``, ``"official"`` or ``"none"``.
        rotate_p: probability of a rotation, in [0, 1].
        shift: largest translation in pixels along each axis, >= 0 (0: none).
        tilt: largest small rotation in degrees, in [0, 45] (0: none).
        zoom: largest relative change of scale, in [0, 0.5] (0: none).
        mixup: probability of blending with a second face, in [0, 1] (0: never).

    Example:
        >>> Augment(), Augment(rotate="official").rotate
        (Augment(hflip=0.5, rotate='paper', rotate_p=0.5, shift=0, tilt=0.0, zoom=0.0, mixup=0.0), 'official')
    """

    hflip: float = 0.5
    rotate: RotateMode = "paper"
    rotate_p: float = 0.5
    shift: int = 0
    tilt: float = 0.0
    zoom: float = 0.0
    mixup: float = 0.0

    def __post_init__(self) -> None:
        for name in ("hflip", "rotate_p", "mixup"):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"Augment.{name} must be a probability in [0, 1], got {value!r}")
        if self.rotate not in ("paper", "official", "none"):
            raise ValueError(
                f"Augment.rotate must be 'paper', 'official' or 'none', got {self.rotate!r}"
            )
        if isinstance(self.shift, bool) or not isinstance(self.shift, int) or self.shift < 0:
            raise ValueError(f"Augment.shift must be an int >= 0, got {self.shift!r}")
        for name, top in (("tilt", 45.0), ("zoom", 0.5)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"Augment.{name} must be a number, got {value!r}")
            if not 0.0 <= value <= top:
                raise ValueError(f"Augment.{name} must be in [0, {top:g}], got {value!r}")

    def draw(self, rng: np.random.Generator) -> tuple[bool, int]:
        """Draw one sample's choices.

        Args:
            rng: the sample's generator (:func:`sample_rng`); three numbers are drawn.

        Returns:
            ``(flip, angle)``: whether to flip, and the counter-clockwise angle in
            {0, 90, 180, 270}.

        Example:
            >>> Augment(hflip=1.0, rotate="none").draw(sample_rng(0, 0, 0))
            (True, 0)
        """
        u_flip, u_rotate, u_angle = rng.random(3)
        flip = bool(u_flip < self.hflip)
        if self.rotate == "none" or not u_rotate < self.rotate_p:
            return flip, 0
        angles = (90, 270) if self.rotate == "paper" else (90, 180, 270)
        return flip, angles[min(int(u_angle * len(angles)), len(angles) - 1)]

    def draw_shift(self, rng: np.random.Generator) -> tuple[int, int]:
        """Draw one sample's translation, after :meth:`draw`.

        Args:
            rng: the sample's generator; two numbers are drawn, also when ``shift`` is 0.

        Returns:
            ``(dy, dx)``, each in ``[-shift, shift]``: move the face down and right.

        Example:
            >>> rng = sample_rng(0, 0, 0)
            >>> _ = Augment().draw(rng)
            >>> Augment(shift=4).draw_shift(rng)
            (-4, 3)
        """
        width = 2 * self.shift + 1
        u_dy, u_dx = rng.random(2)
        return (
            min(int(u_dy * width), width - 1) - self.shift,
            min(int(u_dx * width), width - 1) - self.shift,
        )

    def draw_warp(self, rng: np.random.Generator) -> tuple[float, float]:
        """Draw one sample's small rotation and scaling, after :meth:`draw_shift`.

        Args:
            rng: the sample's generator; two numbers are drawn, also when ``tilt`` and
                ``zoom`` are 0.

        Returns:
            ``(degrees, scale)``: the counter-clockwise angle in ``[-tilt, tilt]`` and the
            factor in ``[1 - zoom, 1 + zoom]`` (above 1: the face grows).

        Example:
            >>> rng = sample_rng(0, 0, 0)
            >>> _ = Augment().draw(rng), Augment().draw_shift(rng)
            >>> degrees, scale = Augment(tilt=10, zoom=0.1).draw_warp(rng)
            >>> abs(degrees) <= 10 and 0.9 <= scale <= 1.1
            True
        """
        u_tilt, u_zoom = rng.random(2)
        return (
            float((2.0 * u_tilt - 1.0) * self.tilt),
            float(1.0 + (2.0 * u_zoom - 1.0) * self.zoom),
        )

    def draw_mixup(self, rng: np.random.Generator, size: int) -> tuple[int | None, float]:
        """Draw whether and with what to blend one sample, after :meth:`draw_warp`.

        Args:
            rng: the sample's generator; three numbers are drawn, also when ``mixup`` is 0.
            size: how many samples the dataset has, >= 1 (the partner is one of them).

        Returns:
            ``(partner, weight)``: the partner's sample index in ``[0, size)`` and the
            face's weight in [0, 1], or ``(None, 1.0)`` for no blend.

        Raises:
            ValueError: ``size < 1``.

        Example:
            >>> rng = sample_rng(0, 0, 0)
            >>> _ = Augment().draw(rng), Augment().draw_shift(rng), Augment().draw_warp(rng)
            >>> partner, weight = Augment(mixup=1.0).draw_mixup(rng, 10)
            >>> partner, round(weight, 3)
            (5, 0.935)
        """
        if int(size) < 1:
            raise ValueError(f"size must be >= 1, got {size!r}")
        u_mix, u_partner, u_weight = rng.random(3)
        if not u_mix < self.mixup:
            return None, 1.0
        return min(int(u_partner * size), int(size) - 1), float(u_weight)


def warp_face(face: np.ndarray, degrees: float, scale: float) -> np.ndarray:
    """Rotate ``face`` counter-clockwise by ``degrees`` and scale it by ``scale`` about its centre.

    Cubic-spline resampling (:func:`scipy.ndimage.affine_transform`, ``order=3``), the
    image mirrored at the border (``mode="mirror"``, as ``numpy.pad(mode="reflect")``).
    Integer images are rounded and clipped back to their dtype's range, so uint8 faces
    stay uint8; floating images keep their dtype, unclipped.

    Args:
        face: :math:`(H, W)` or :math:`(H, W, C)` image, any real dtype.
        degrees: counter-clockwise angle.
        scale: > 0; above 1 enlarges the face.

    Returns:
        The warped face, same shape and dtype.

    Raises:
        ValueError: ``scale <= 0``, or a face that is not 2-D or 3-D.

    Example:
        >>> import numpy as np
        >>> x = np.arange(16, dtype=np.uint8).reshape(4, 4)
        >>> bool((warp_face(x, 90.0, 1.0) == np.rot90(x)).all())
        True
        >>> bool((warp_face(x, 0.0, 1.0) == x).all())
        True
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale!r}")
    if face.ndim not in (2, 3):
        raise ValueError(f"face must be (H, W) or (H, W, C), got shape {face.shape}")
    if degrees == 0.0 and scale == 1.0:
        return np.ascontiguousarray(face)
    theta = np.deg2rad(degrees)
    # output (row, col) -> input (row, col): rotate back by the angle, shrink by the scale
    matrix = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]]) / scale
    centre = (np.array(face.shape[:2], dtype=np.float64) - 1.0) / 2.0
    offset = centre - matrix @ centre
    planes = face[..., None] if face.ndim == 2 else face
    work = planes.astype(np.float64)
    out = np.stack(
        [
            ndimage.affine_transform(work[..., c], matrix, offset, order=3, mode="mirror")
            for c in range(work.shape[-1])
        ],
        axis=-1,
    )
    if np.issubdtype(face.dtype, np.integer):
        info = np.iinfo(face.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    out = out.astype(face.dtype)
    return np.ascontiguousarray(out[..., 0] if face.ndim == 2 else out)


def _shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Shift rows down by ``dy`` and columns right by ``dx`` (0 or 1), zero-filling."""
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    out[dy:, dx:] = image[: h - dy, : w - dx]
    return out


# cv2.warpAffine(getRotationMatrix2D((w/2, h/2), angle, 1)) == shift(rot90(x, angle/90)).
_OFFICIAL_SHIFT = {90: (1, 0), 180: (1, 1), 270: (0, 1)}


def augment_face(
    face: np.ndarray,
    flip: bool,
    angle: int,
    mode: RotateMode = "paper",
    shift: tuple[int, int] = (0, 0),
    warp: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """Apply a drawn flip (first), rotation, warp and translation (last) to one face.

    Args:
        face: :math:`(H, W, C)` image, square for rotations, any dtype.
        flip: mirror left-right.
        angle: counter-clockwise degrees in {0, 90, 180, 270}.
        mode: ``"official"`` adds the official code's one-pixel shift and black border
            (see :class:`Augment`); otherwise the rotation is exact.
        shift: ``(dy, dx)``: move the face down by ``dy`` and right by ``dx`` pixels
            (negative: up, left), mirroring it at the border; ``|dy| < H``, ``|dx| < W``.
        warp: ``(degrees, scale)`` for :func:`warp_face`; ``(0, 1)`` leaves the face as is.

    Returns:
        The augmented face, same shape and dtype, C-contiguous.

    Raises:
        ValueError: an angle outside {0, 90, 180, 270}, a rotation of a non-square face,
            or a shift as large as the face.

    Example:
        >>> import numpy as np
        >>> x = np.arange(4).reshape(2, 2, 1)
        >>> augment_face(x, True, 0)[..., 0].tolist()
        [[1, 0], [3, 2]]
        >>> augment_face(x, False, 90)[..., 0].tolist()
        [[1, 3], [0, 2]]
        >>> augment_face(x, False, 90, "official")[..., 0].tolist()
        [[0, 0], [1, 3]]
        >>> augment_face(np.arange(4).reshape(1, 4, 1), False, 0, shift=(0, 1))[..., 0].tolist()
        [[1, 0, 1, 2]]
    """
    if angle not in (0, 90, 180, 270):
        raise ValueError(f"angle must be 0, 90, 180 or 270, got {angle!r}")
    out = face[:, ::-1] if flip else face
    if angle:
        if out.shape[0] != out.shape[1]:
            raise ValueError(f"rotations need a square face, got shape {face.shape}")
        out = np.rot90(out, angle // 90)
        if mode == "official":
            out = _shift(out, *_OFFICIAL_SHIFT[angle])
    degrees, scale = (float(v) for v in warp)
    if degrees != 0.0 or scale != 1.0:
        out = warp_face(out, degrees, scale)
    dy, dx = (int(v) for v in shift)
    if dy or dx:
        h, w = out.shape[:2]
        if abs(dy) >= h or abs(dx) >= w:
            raise ValueError(f"shift {shift} must be smaller than the face, shape {face.shape}")
        pad = ((abs(dy), abs(dy)), (abs(dx), abs(dx))) + ((0, 0),) * (out.ndim - 2)
        mirrored = np.pad(out, pad, mode="reflect")
        out = mirrored[abs(dy) - dy : abs(dy) - dy + h, abs(dx) - dx : abs(dx) - dx + w]
    return np.ascontiguousarray(out)
