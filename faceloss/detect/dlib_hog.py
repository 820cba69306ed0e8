"""dlib's HOG frontal-face detector: the detector the paper used (via ``face_recognition``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from faceloss.detect._box import Box, check_detector_image, finalize_boxes
from faceloss.spec import DLIB_HOG_ADJUST_THRESHOLD, DLIB_HOG_UPSAMPLE


def _import_dlib() -> Any:
    try:
        import dlib
    except ImportError as error:
        raise ImportError(
            "DlibHOGDetector needs dlib, which is not installed. Install the extra: "
            "pip install 'faceloss[detect]' (the prebuilt dlib-bin wheel; no compiler, no model "
            "file), or use faceloss.detect.SkimageLBPDetector, which needs only scikit-image"
        ) from error
    return dlib


class DlibHOGDetector:
    """dlib's HOG + linear SVM frontal-face detector (``dlib.get_frontal_face_detector``).

    This is what ``face_recognition.face_locations(image, number_of_times_to_upsample=1,
    model="hog")`` runs, the face detector of the paper (ref. [22], section 4.3); faceloss
    calls dlib directly and does not need the ``face_recognition`` package. It needs no
    model file. dlib is imported when the detector is created.

    dlib's rectangles are inclusive; like ``face_recognition``, faceloss uses their
    ``bottom()``/``right()`` as the exclusive ends of the :class:`Box` (one row and column
    less than dlib's rectangle), so crops equal ``face_recognition``'s crops. Scores are the
    SVM margins (``detector.run``); boxes partly outside the image are clipped.

    On the 1,000 aligned 128x128 CelebA test faces of ``shared/data`` the default
    ``upsample=1`` finds a face in 93.6% of images (the paper kept 18,807 of 19,962 =
    94.2% of CelebA's test set), ``upsample=0`` in 94.9% (see ``benchmarks/README.md``).

    Args:
        upsample: how many times dlib doubles the image before detecting (finds smaller
            faces, ~4x slower per step); ``face_recognition``'s default is 1.
        adjust_threshold: added to the SVM's decision threshold; 0 is dlib's and
            ``face_recognition``'s default, larger values keep fewer, surer faces.

    Raises:
        ImportError: dlib is not installed (the ``detect`` extra).
        ValueError: ``upsample`` is negative.

    Example:
        >>> from skimage.data import astronaut
        >>> detector = DlibHOGDetector()
        >>> box = detector(astronaut())[0]  # the highest score first
        >>> box.top, box.left, box.bottom, box.right, round(box.score, 2)
        (76, 175, 166, 265, 1.16)
    """

    def __init__(
        self,
        upsample: int = DLIB_HOG_UPSAMPLE,
        adjust_threshold: float = DLIB_HOG_ADJUST_THRESHOLD,
    ) -> None:
        if isinstance(upsample, bool) or not isinstance(upsample, int):
            raise TypeError(f"upsample must be an int, got {type(upsample).__name__}")
        if upsample < 0:
            raise ValueError(f"upsample must be >= 0, got {upsample}")
        dlib = _import_dlib()
        self.upsample = upsample
        self.adjust_threshold = float(adjust_threshold)
        self._detector = dlib.get_frontal_face_detector()

    def __call__(self, image: np.ndarray) -> list[Box]:
        image = check_detector_image(image)
        rects, scores, _ = self._detector.run(
            np.ascontiguousarray(image), self.upsample, self.adjust_threshold
        )
        boxes = [
            Box(r.top(), r.left(), r.bottom(), r.right(), score)
            for r, score in zip(rects, scores, strict=True)
        ]
        return finalize_boxes(boxes, image.shape[0], image.shape[1])

    def get_config(self) -> dict[str, object]:
        """The constructor arguments (``DlibHOGDetector(**config)`` rebuilds the detector)."""
        return {"upsample": self.upsample, "adjust_threshold": self.adjust_threshold}

    def __repr__(self) -> str:
        return (
            f"DlibHOGDetector(upsample={self.upsample}, adjust_threshold={self.adjust_threshold:g})"
        )
