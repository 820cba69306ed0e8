"""``upscale``: low-resolution face crops in, one 128x128 PNG each out."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from reference_model.data import BadImageError, degrade, find_images, read_rgb

from .images import as_displayed, save_png
from .progress import progress_bar
from .runner import GeneratorRunner

__all__ = ["LR_SIZE", "UpscaleInput", "output_names", "read_inputs", "upscale"]

LR_SIZE: int = 16
"""Side of the generator's input in pixels (Table 1: 16x16 in, 128x128 out)."""


@dataclass(frozen=True)
class UpscaleInput:
    """One low-resolution face, ready for the generator.

    Attributes:
        path: the file it came from.
        image: float32 :math:`(16, 16, 3)` RGB in [0, 1].
        size: the file's ``(width, height)``.
        note: what was done to it (resizing, colour conversion), or ``None``.
    """

    path: Path
    image: np.ndarray
    size: tuple[int, int]
    note: str | None


def _expand(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files and folders -> image files (folders: every image under them), duplicates once."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if not inputs:
        raise ValueError("inputs: give at least one image file or folder")
    files: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise FileNotFoundError(f"input {str(path)!r} does not exist")
        for file in find_images(path) if path.is_dir() else [path]:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def _read_one(path: Path, size: int) -> UpscaleInput:
    try:
        image, converted = read_rgb(path)
    except BadImageError as error:
        raise ValueError(f"input {str(path)!r} is not a readable image ({error})") from None
    notes = [converted] if converted else []
    original = image.size
    side = original[0]
    pixels = np.asarray(image, dtype=np.float32) / np.float32(255.0)
    if original == (size, size):
        pass
    elif original[0] == original[1] and side % size == 0 and _power_of_two(side // size):
        # the training data's degradation (progressive x2 bilinear), as the model expects
        pixels = degrade(pixels, "progressive-bilinear", side // size)
        notes.append(
            f"{side}x{side} downscaled to {size}x{size} (progressive bilinear x{side // size}, "
            f"as the training data)"
        )
    else:
        aspect = "" if original[0] == original[1] else ", aspect ratio not kept"
        notes.append(
            f"{original[0]}x{original[1]} resized to {size}x{size} (bilinear, antialiased{aspect})"
        )
        resized = image.resize((size, size), Image.Resampling.BILINEAR)
        pixels = np.asarray(resized, dtype=np.float32) / np.float32(255.0)
    return UpscaleInput(path, pixels, original, "; ".join(notes) or None)


def _power_of_two(n: int) -> bool:
    return n >= 2 and n & (n - 1) == 0


def read_inputs(
    inputs: Sequence[str | os.PathLike[str]], size: int = LR_SIZE
) -> list[UpscaleInput]:
    """Read every input before anything runs, so a bad one stops the job before any output.

    Args:
        inputs: image files and folders (every image under a folder, sorted; a file given
            twice, or inside a given folder too, is read once).
        size: the generator's input side. Other sizes are resized, with a note: square
            faces of side ``size * 2**k`` by the training data's degradation
            (:func:`reference_model.data.degrade`, progressive x2 bilinear), others with
            PIL's bilinear filter (antialiased when shrinking).

    Returns:
        One :class:`UpscaleInput` per image, in order.

    Raises:
        FileNotFoundError: an input does not exist.
        ValueError: no inputs, an unreadable image, a folder without images.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> Image.new("RGB", (32, 32)).save(folder / "a.png")
        >>> Image.new("RGB", (20, 20)).save(folder / "b.png")
        >>> items = read_inputs([folder])
        >>> items[0].image.shape, items[0].note
        ((16, 16, 3), '32x32 downscaled to 16x16 (progressive bilinear x2, as the training data)')
        >>> items[1].note
        '20x20 resized to 16x16 (bilinear, antialiased)'
    """
    return [_read_one(path, size) for path in _expand(inputs)]


def output_names(paths: Sequence[Path]) -> list[str]:
    """``<stem>.png`` for each input; a repeated stem gets ``-2``, ``-3``, ... in input order.

    Names are compared case-insensitively (a case-insensitive file system would merge
    ``A.png`` and ``a.png``), and a suffixed name never takes another input's own stem.

    Example:
        >>> output_names([Path("a/face.jpg"), Path("b/face.png"), Path("face-2.bmp")])
        ['face.png', 'face-3.png', 'face-2.png']
    """
    taken: set[str] = set()
    stems = {p.stem.lower() for p in paths}
    names = []
    for path in paths:
        name, n = path.stem, 1
        while name.lower() in taken or (n > 1 and name.lower() in stems):
            n += 1
            name = f"{path.stem}-{n}"
        taken.add(name.lower())
        names.append(f"{name}.png")
    return names


def upscale(
    model: Any,
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    backend: str = "torch",
    device: str = "auto",
    batch_size: int = 16,
    self_ensemble: bool = False,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Path]:
    """Super-resolve low-resolution face crops: one 128x128 PNG per input in ``out``.

    Every input is read first (:func:`read_inputs`: 16x16 faces; other sizes are resized
    to 16x16 with a note), then the generator runs in batches and each output, clamped to
    [0, 1] and rounded to 8 bits, is written as ``out/<input stem>.png``. Inputs with the
    same stem get ``-2``, ``-3``, ... (:func:`output_names`); files already in ``out`` with
    those names are replaced. Faces are expected aligned like the training data (CelebA
    crops: eyes at about 40% of the height).

    Args:
        model: a torch or Keras generator, or a weights name (``"cpu-small"``) or path.
        inputs: image files and folders.
        out: output folder (created).
        backend: the backend a weights name/path is loaded into.
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"``.
        batch_size: faces per batch (>= 1).
        self_ensemble: average the outputs for each face and its mirror image (see
            :class:`~reference_model.evaluation.GeneratorRunner`).
        progress: show a progress bar (``None``: when stderr is a terminal).
        log: where notes go (one line each); ``None`` prints them to stderr.

    Returns:
        The written files, in input order.

    Raises:
        FileNotFoundError: a missing input or weights.
        ValueError: an unreadable input, no inputs, a bad ``batch_size``.

    Example:
        >>> import tempfile
        >>> from reference_model import build_generator
        >>> folder = Path(tempfile.mkdtemp())
        >>> Image.new("RGB", (16, 16), (200, 150, 120)).save(folder / "face.png")
        >>> written = upscale(build_generator("torch", channels=(8, 4, 4, 4)),
        ...                   [folder / "face.png"], folder / "sr", device="cpu")
        >>> [p.name for p in written], Image.open(written[0]).size
        (['face.png'], (128, 128))
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    say = log if log is not None else (lambda line: print(line, file=sys.stderr))
    items = read_inputs(inputs)
    if isinstance(model, (str, os.PathLike)):
        from reference_model.pretrained import load_generator

        model = load_generator(model, backend)
    runner = GeneratorRunner(model, device, self_ensemble)
    for item in items:
        if item.note:
            say(f"note: {item.path}: {item.note}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = output_names([item.path for item in items])
    written: list[Path] = []
    with progress_bar(len(items), "upscale", progress) as bar:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            lr = torch.from_numpy(np.stack([item.image for item in chunk])).permute(0, 3, 1, 2)
            sr, _ = runner(lr)
            for image, name in zip(
                as_displayed(sr), names[start : start + batch_size], strict=True
            ):
                written.append(save_png(image, out / name))
            bar.update(len(chunk))
    return written
