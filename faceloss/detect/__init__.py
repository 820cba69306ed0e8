"""Face detectors for the face-region metrics: one uint8 RGB image in, face boxes out.

A detector is any callable ``detector(image) -> list[Box]`` (:class:`FaceDetector`):
``image`` is one ``(H, W, 3)`` uint8 RGB NumPy array; the result lists the faces as
:class:`Box` objects (half-open pixel coordinates ``image[top:bottom, left:right]``),
clipped to the image, none empty, highest score first; ``[]`` when no face is found.

* :class:`DlibHOGDetector` -- dlib's HOG detector, the paper's (``face_recognition``'s);
  needs the ``detect`` extra (the ``dlib-bin`` wheel). **The default** of the
  face-region metrics: their numbers are then the paper's kind of numbers. There is no
  silent fallback: without dlib, choosing a detector is an explicit decision.
* :class:`SkimageLBPDetector` -- scikit-image's LBP cascade; base install only.
* :class:`ExplicitBoxes` -- fixed, user-given boxes (deterministic; e.g. aligned faces).

>>> import numpy as np
>>> from faceloss.detect import ExplicitBoxes
>>> ExplicitBoxes((8, 8, 24, 24))(np.zeros((32, 32, 3), np.uint8))[0].height
16
"""

from faceloss.detect._batch import detect_faces, quantise_uint8
from faceloss.detect._box import Box, as_box, best_box, check_detector_image, finalize_boxes
from faceloss.detect._protocol import FaceDetector
from faceloss.detect.dlib_hog import DlibHOGDetector
from faceloss.detect.explicit import ExplicitBoxes
from faceloss.detect.skimage_lbp import SkimageLBPDetector


def default_detector() -> FaceDetector:
    """The face-region metrics' default detector: ``DlibHOGDetector()`` (the paper's).

    Raises:
        ImportError: dlib is not installed; the message names the ``detect`` extra and
            :class:`SkimageLBPDetector` as the base-install alternative.

    Example:
        >>> default_detector()
        DlibHOGDetector(upsample=1, adjust_threshold=0)
    """
    return DlibHOGDetector()


__all__ = [
    "Box",
    "DlibHOGDetector",
    "ExplicitBoxes",
    "FaceDetector",
    "SkimageLBPDetector",
    "as_box",
    "best_box",
    "check_detector_image",
    "default_detector",
    "detect_faces",
    "finalize_boxes",
    "quantise_uint8",
]
