"""Small image files for the data pipeline tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def face_like(seed: int, width: int = 128, height: int = 128) -> np.ndarray:
    """A uint8 RGB image with smooth shading and a few sharp shapes (so Canny finds edges)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    image = np.stack([x, y, 0.5 * (x + y)], axis=-1) * rng.uniform(60, 160, 3)
    for _ in range(4):
        top, left = rng.integers(0, max(height - 8, 1)), rng.integers(0, max(width - 8, 1))
        image[top : top + height // 5, left : left + width // 6] += rng.uniform(40, 90, 3)
    return np.clip(image, 0, 255).astype(np.uint8)


def write_faces(
    folder: Path, count: int, width: int = 128, height: int = 128, ext: str = "png"
) -> list[Path]:
    """Write ``count`` distinct face-like images named ``000.<ext>`` ... into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:03d}.{ext}"
        Image.fromarray(face_like(i, width, height)).save(path)
        paths.append(path)
    return paths
