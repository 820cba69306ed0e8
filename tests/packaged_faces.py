"""Real faces that installed packages ship: the tests' core that runs without ``../shared``.

scikit-image (a base dependency) ships ``skimage.data.astronaut()``, a 512x512 RGB portrait
(NASA, public domain). Its face is cut out at nine shifts and two zooms and resized to the
128x128 of the CelebA/Helen test faces, so the checks against cv2, skimage and dlib that
use the shared photographs also run on a fresh clone.
"""

from __future__ import annotations

import numpy as np

# The astronaut's face: dlib's HOG box (top 76, left 175, bottom 166, right 265), its centre.
FACE_CENTRE = (121, 220)
SHIFTS = (-12, 0, 12)
SIDES = (176, 200)


def astronaut() -> np.ndarray:
    """The whole portrait, (512, 512, 3) uint8 RGB."""
    from skimage.data import astronaut as load

    return load()


def astronaut_faces(size: int = 128) -> np.ndarray:
    """18 face crops (3 x 3 shifts, 2 zooms), bicubic-resized to ``size``: (18, size, size, 3)
    uint8 RGB, the face near the centre like an aligned CelebA crop."""
    from PIL import Image

    image = astronaut()
    faces = []
    for side in SIDES:
        for dy in SHIFTS:
            for dx in SHIFTS:
                top = FACE_CENTRE[0] - side // 2 + dy
                left = FACE_CENTRE[1] - side // 2 + dx
                crop = Image.fromarray(image[top : top + side, left : left + side])
                faces.append(np.asarray(crop.resize((size, size), Image.BICUBIC)))
    return np.stack(faces)


def astronaut_pairs(count: int = 8, size: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target) like ``metric_data.face_pairs``: ``count`` faces of ``size`` pixels
    as float64 NHWC in [0, 1] and their x8 bicubic down-and-up versions (a bicubic 'SR')."""
    from PIL import Image

    target = astronaut_faces(size)[:count]
    prediction = np.stack(
        [
            np.asarray(
                Image.fromarray(t)
                .resize((size // 8, size // 8), Image.BICUBIC)
                .resize((size, size), Image.BICUBIC)
            )
            for t in target
        ]
    )
    return prediction.astype(np.float64) / 255.0, target.astype(np.float64) / 255.0
