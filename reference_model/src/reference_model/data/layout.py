"""The three folder layouts: CelebA aligned, VGGFace2 and already-cropped faces."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from .files import find_images
from .image_io import BadImageError, read_rgb

__all__ = ["CELEBA_SIZE", "HR_SIZE", "Layout", "crop_box", "detect_layout", "load_face"]

logger = logging.getLogger("reference_model.data")

#: Side of the high-resolution faces (pixels).
HR_SIZE = 128
#: (width, height) of CelebA's aligned images (``img_align_celeba``).
CELEBA_SIZE = (178, 218)


class Layout(str, enum.Enum):
    """How faces sit in the images of a folder (paper section 4.2).

    * ``CELEBA`` (``"celeba"``): CelebA aligned 178x218 images; rows 20:198 (all 178
      columns) are cropped, a 178x178 square, then resized to 128 (the official code
      crops ``[20:198, 0:178]``; the paper says "center cropping with 178x178").
    * ``VGGFACE2`` (``"vggface2"``): unaligned photos; a centred square of side
      ``0.7 x min(h, w)`` is cropped, then resized to 128.
    * ``CROPPED`` (``"cropped"``): already-cropped faces of any size; the whole image is
      resized to 128 (a non-square image is stretched).

    Every crop is resized with PIL's antialiased bilinear filter. (The official code uses
    ``cv2.resize(..., INTER_LINEAR)``, which is not antialiased: shrinking 178 -> 128 it
    samples between pixels and skips some detail; the paper says "bilinear".)

    Members are strings: ``Layout.CELEBA == "celeba"``.

    Example:
        >>> Layout("vggface2") is Layout.VGGFACE2, Layout.CELEBA == "celeba"
        (True, True)
    """

    CELEBA = "celeba"
    VGGFACE2 = "vggface2"
    CROPPED = "cropped"


def crop_box(layout: str | Layout, width: int, height: int) -> tuple[float, float, float, float]:
    """The crop of a ``width`` x ``height`` image for ``layout``, as PIL's box.

    Args:
        layout: a :class:`Layout` or its value.
        width: image width in pixels.
        height: image height in pixels.

    Returns:
        ``(left, top, right, bottom)`` in pixels (edges, not centres; may be fractional
        for ``"vggface2"``).

    Raises:
        ValueError: unknown ``layout``, or a ``"celeba"`` image smaller than 178x198.

    Example:
        >>> crop_box("celeba", 178, 218)
        (0.0, 20.0, 178.0, 198.0)
        >>> crop_box("vggface2", 200, 100)
        (65.0, 15.0, 135.0, 85.0)
        >>> crop_box("cropped", 50, 60)
        (0.0, 0.0, 50.0, 60.0)
    """
    kind = Layout(layout)
    if kind is Layout.CELEBA:
        if width < 178 or height < 198:
            raise ValueError(
                f"layout 'celeba' needs images of at least 178x198 (CelebA aligned is "
                f"178x218); got {width}x{height}"
            )
        return (0.0, 20.0, 178.0, 198.0)
    if kind is Layout.VGGFACE2:
        side = 0.7 * min(width, height)
        left = (width - side) / 2
        top = (height - side) / 2
        return (left, top, left + side, top + side)
    return (0.0, 0.0, float(width), float(height))


def load_face(
    path: str | Path, layout: str | Layout, size: int = HR_SIZE, min_size: int = 32
) -> tuple[np.ndarray, str | None]:
    """Read one face: decode, crop for ``layout`` and resize to ``size`` x ``size``.

    Resizing is PIL's bilinear filter on the crop box, antialiased when shrinking (PIL
    widens the triangle filter by the scale factor), computed on the 8-bit image.

    Args:
        path: an image file.
        layout: a :class:`Layout` or its value.
        size: output side in pixels.
        min_size: the smallest accepted crop side; smaller crops are rejected (a face
            upscaled from a few pixels is no HR target).

    Returns:
        ``(face, note)``: ``face`` uint8 :math:`(size, size, 3)` RGB in 0..255, ``note``
        the conversion made while decoding (see :func:`read_rgb`) or ``None``.

    Raises:
        BadImageError: undecodable file, or a crop smaller than ``min_size`` (or than
            CelebA's 178x198 for ``"celeba"``); the message names the file.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Image.new("RGB", (178, 218), (10, 20, 30)).save(Path(tmp, "a.png"))
        ...     face, note = load_face(Path(tmp, "a.png"), "celeba")
        >>> face.shape, face.dtype, face[64, 64].tolist(), note
        ((128, 128, 3), dtype('uint8'), [10, 20, 30], None)
    """
    image, note = read_rgb(path)
    width, height = image.size
    try:
        box = crop_box(layout, width, height)
    except ValueError as error:
        raise BadImageError(f"{path}: {error}") from error
    side = min(box[2] - box[0], box[3] - box[1])
    if side < min_size:
        raise BadImageError(
            f"{path}: too small ({width}x{height}, crop side {side:g} < min_size={min_size})"
        )
    if box == (0.0, 0.0, float(size), float(size)) and (width, height) == (size, size):
        face = np.asarray(image, dtype=np.uint8)
    else:
        face = np.asarray(image.resize((size, size), Image.Resampling.BILINEAR, box=box))
    return np.ascontiguousarray(face, dtype=np.uint8), note


def _image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def detect_layout(root_or_files: str | Path | Sequence[str | Path], sample: int = 64) -> Layout:
    """Guess the folder layout from the sizes of (up to ``sample``) evenly spaced images.

    Rules, in order, on the images whose header decodes: all 178x218 -> ``"celeba"``;
    at least half square -> ``"cropped"``; else ``"vggface2"`` (unaligned photos). The
    choice and the reason are logged on the ``reference_model.data`` logger (INFO when
    every sampled image agrees, WARNING when the sizes were mixed). Pass the layout
    explicitly to :class:`~reference_model.data.FaceDataset` to skip the guess.

    Args:
        root_or_files: a folder (searched with :func:`find_images`) or a list of files.
        sample: the most images whose headers are read.

    Returns:
        A :class:`Layout` (a ``str``: compare with ``"celeba"`` etc.).

    Raises:
        ValueError: no file given, or none of the sampled files has a readable header.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(3):
        ...         Image.new("RGB", (178, 218)).save(Path(tmp, f"{i}.png"))
        ...     detect_layout(tmp) == "celeba"
        True
    """
    return _detect(root_or_files, sample)[0]


def _detect(root_or_files: str | Path | Sequence[str | Path], sample: int) -> tuple[Layout, str]:
    if isinstance(root_or_files, (str, Path)):
        files = find_images(root_or_files)
        where = repr(str(root_or_files))
    else:
        files = [Path(f) for f in root_or_files]
        where = f"{len(files)} files"
    if not files:
        raise ValueError("detect_layout: no image files given")
    picks = np.unique(np.linspace(0, len(files) - 1, min(sample, len(files))).round().astype(int))
    sizes = [s for s in (_image_size(files[i]) for i in picks) if s is not None]
    if not sizes:
        raise ValueError(
            f"detect_layout: none of the {len(picks)} sampled images of {where} decodes"
        )
    n = len(sizes)
    celeba = sum(s == CELEBA_SIZE for s in sizes)
    square = sum(s[0] == s[1] for s in sizes)
    if celeba == n:
        layout, reason = Layout.CELEBA, f"all {n} sampled images are 178x218 (CelebA aligned)"
    elif square * 2 >= n:
        layout = Layout.CROPPED
        reason = f"{square} of {n} sampled images are square (already-cropped faces)"
    else:
        layout = Layout.VGGFACE2
        reason = (
            f"{n - square} of {n} sampled images are not square and not 178x218 "
            "(unaligned photos: centre crop 0.7 x min(h, w))"
        )
    mixed = celeba not in (0, n) or square not in (0, n)
    log = logger.warning if mixed else logger.info
    log(
        "%s: layout %r detected: %s%s",
        where,
        layout.value,
        reason,
        "; sizes were mixed: pass layout= to choose" if mixed else "",
    )
    return layout, reason
