"""Reading one image file as 8-bit RGB, converting what can be converted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

__all__ = ["BadImageError", "BadImageWarning", "read_rgb"]


class BadImageError(ValueError):
    """An image file that cannot be used (corrupt, truncated, too small, ...).

    Example:
        >>> str(BadImageError("x.jpg: truncated"))
        'x.jpg: truncated'
    """


class BadImageWarning(UserWarning):
    """One warning per image file that was converted (grayscale, RGBA, 16-bit) or skipped.

    Example:
        >>> issubclass(BadImageWarning, UserWarning)
        True
    """


def _sixteen_bit(image: Image.Image) -> bool:
    """Whether the file stores more than 8 bits per sample (PNG/TIFF 16-bit)."""
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        return True
    return any(";16" in str(getattr(tile, "args", "")) for tile in getattr(image, "tile", []))


def read_rgb(path: str | Path) -> tuple[Image.Image, str | None]:
    """Decode an image file to an 8-bit RGB :class:`PIL.Image.Image`.

    EXIF orientation is applied (as ``cv2.imread`` does). Conversions, reported in the
    returned note: grayscale (``L``, ``LA``, ``1``) is repeated to three channels; an
    alpha channel (``RGBA``, ``LA``, ``P`` with transparency) is dropped, keeping the
    colour values under it (as ``cv2.imread`` with ``IMREAD_COLOR`` does); 16-bit and
    32-bit samples are scaled to 0..255 (``round(v / 257)`` for 16-bit; PIL itself
    keeps the high byte of 16-bit RGB); ``CMYK``/``YCbCr``/palette images are
    converted by PIL.

    Args:
        path: an image file.

    Returns:
        ``(image, note)``: the RGB image (width x height as stored) and ``None`` when it
        was 8-bit RGB already, else a short description of the conversion.

    Raises:
        BadImageError: the file cannot be decoded completely (corrupt, truncated, not an
            image, a decompression bomb); the message names the file.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     Image.new("L", (4, 3), 128).save(Path(tmp, "gray.png"))
        ...     image, note = read_rgb(Path(tmp, "gray.png"))
        >>> image.mode, image.size, note
        ('RGB', (4, 3), 'grayscale (L) converted to RGB')
    """
    name = str(path)
    try:
        with Image.open(path) as opened:
            sixteen = _sixteen_bit(opened)
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise BadImageError(f"{name}: cannot decode ({type(error).__name__}: {error})") from error
    mode = image.mode
    if mode == "RGB" and not sixteen:
        return image, None
    if mode in {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}:
        values = np.asarray(image, dtype=np.float64)
        scale = 257.0 if mode != "F" or values.max(initial=0.0) > 1.0 else 1 / 255.0
        gray = np.clip(np.rint(values / scale), 0, 255).astype(np.uint8)
        rgb = Image.fromarray(np.repeat(gray[:, :, None], 3, axis=2))
        return (
            rgb,
            f"{'32-bit float' if mode == 'F' else '16-bit'} grayscale ({mode}) scaled to 8-bit RGB",
        )
    notes = []
    if sixteen:
        notes.append("16-bit samples reduced to 8-bit")
    if mode in {"L", "LA", "1"}:
        notes.append(f"grayscale ({mode}) converted to RGB")
    if "A" in mode or (mode == "P" and "transparency" in image.info):
        notes.append(f"alpha channel of {mode} dropped")
    elif mode not in {"RGB", "L", "1"}:
        notes.append(f"{mode} converted to RGB")
    if mode == "P":
        image = image.convert("RGBA")
    return image.convert("RGB"), "; ".join(notes)
