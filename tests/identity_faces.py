"""Real faces for the identity tests: CelebA identity folders, dlib face chips, x8 degradation."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image


def identity_files(shared_data: Path) -> tuple[list[Path], np.ndarray]:
    """All ``celeba_identity`` images (sorted) and their identity labels."""
    files = sorted((shared_data / "celeba_identity").glob("id*/*.jpg"))
    return files, np.array([f.parent.name for f in files])


def load_rgb(files: list[Path]) -> np.ndarray:
    """Images as one NHWC float64 batch in [0, 1]."""
    return np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files]) / 255.0


def degrade_x8(images: np.ndarray) -> np.ndarray:
    """The SR task's input, upscaled back: x8 box downscale (= three x2 bilinear halvings,
    DESIGN section 4) then bilinear upscale to the original size (NHWC float64)."""
    from faceloss._resize import resize_weights

    n, h, w, c = images.shape
    small = images.reshape(n, h // 8, 8, w // 8, 8, c).mean(axis=(2, 4))
    rows, cols = resize_weights(h // 8, h), resize_weights(w // 8, w)
    return np.einsum("wj,nhjc->nhwc", cols, np.einsum("hi,nijc->nhjc", rows, small))


def dlib_chips(files: list[Path], count: int) -> tuple[np.ndarray, list[Path]]:
    """Up to ``count`` 150x150 uint8 chips made by dlib's 5-point alignment
    (``get_face_chip(size=150, padding=0.25)``), and the files they came from."""
    images = (np.asarray(Image.open(f).convert("RGB")) for f in files)
    chips, used = dlib_chips_of(images, count)
    return chips, [files[i] for i in used]


def dlib_chips_of(images: Iterable[np.ndarray], count: int) -> tuple[np.ndarray, list[int]]:
    """:func:`dlib_chips` for uint8 RGB (H, W, 3) images; returns the chips and the indices of
    the images they came from."""
    import dlib

    from faceloss.weights.dlib import find_dlib_face_resnet

    models = find_dlib_face_resnet().parent
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
    chips, used = [], []
    for f, image in enumerate(images):
        faces = detector(image, 1)
        if not faces:
            continue
        shape = predictor(image, max(faces, key=lambda r: r.area()))
        chips.append(dlib.get_face_chip(image, shape, size=150, padding=0.25))
        used.append(f)
        if len(chips) == count:
            break
    return np.stack(chips), used


def dlib_descriptors(chips: np.ndarray) -> np.ndarray:
    """dlib's own descriptors of uint8 chips, float64 ``(N, 128)``."""
    import dlib

    from faceloss.weights.dlib import find_dlib_face_resnet

    model = dlib.face_recognition_model_v1(str(find_dlib_face_resnet()))
    return np.stack([np.array(model.compute_face_descriptor(c)) for c in chips])
