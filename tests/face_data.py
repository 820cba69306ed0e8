"""Load real face photographs from the shared data folder for tests (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def load_faces(folder: Path, count: int, step: int = 1) -> np.ndarray:
    """``count`` RGB images from ``folder`` (sorted by name, every ``step``-th) as uint8 NHWC."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".png"})
    chosen = files[::step][:count]
    assert len(chosen) == count, f"{folder} has fewer than {count} images (step {step})"
    return np.stack([np.asarray(Image.open(p).convert("RGB")) for p in chosen])


def upscale_bicubic(images: np.ndarray, size: int) -> np.ndarray:
    """Bicubic PIL upscaling of uint8 NHWC images to ``size`` x ``size`` (a bicubic 'SR')."""
    return np.stack(
        [np.asarray(Image.fromarray(im).resize((size, size), Image.BICUBIC)) for im in images]
    )
