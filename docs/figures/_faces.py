"""Faces for the documentation's figures: only what scikit-image ships, nothing downloaded."""

from __future__ import annotations

import numpy as np
from skimage import data, transform

import faceloss.reference as ref


def astronaut_face(size: int = 128) -> np.ndarray:
    """Eileen Collins' face from ``skimage.data.astronaut()``, framed like an aligned
    CelebA crop (dlib's face box at the same place), as (size, size, 3) float64 in [0, 1]."""
    return transform.resize(data.astronaut()[58:178, 160:280], (size, size), anti_aliasing=True)


def lfw_faces(count: int) -> np.ndarray:
    """The first ``count`` faces of ``skimage.data.lfw_subset()`` (25x25 gray, other people),
    upscaled to 128x128 RGB float64."""
    faces = data.lfw_subset()[:count]
    return np.stack(
        [np.repeat(transform.resize(f, (128, 128), order=1)[..., None], 3, axis=-1) for f in faces]
    )


def degrade(face: np.ndarray, factor: int) -> np.ndarray:
    """Downscale by ``factor`` (a power of 2, repeated x2 bilinear: the SR task's input),
    then upscale back bilinearly: what a weak SR model returns."""
    small = face[None]
    while small.shape[1] > face.shape[0] // factor:
        small = ref.downscale_x2(small)
    return np.clip(transform.resize(small[0], face.shape[:2], order=1), 0, 1)


def show(ax, image, title, cmap=None, **kwargs):
    """One image panel without ticks."""
    ax.imshow(image, cmap=cmap, interpolation="nearest", **kwargs)
    ax.set_title(title, fontsize=8)
    ax.set_axis_off()
