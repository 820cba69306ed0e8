"""The face detector of the face-region metrics, with the fallback when dlib is missing."""

from __future__ import annotations

from dataclasses import dataclass

from faceloss.detect import DlibHOGDetector, FaceDetector, SkimageLBPDetector

__all__ = ["DETECTORS", "ChosenDetector", "choose_detector"]

DETECTORS: tuple[str, ...] = ("auto", "dlib-hog", "skimage-lbp")
"""Detector names :func:`choose_detector` accepts."""


@dataclass(frozen=True)
class ChosenDetector:
    """A detector and how to describe it in a report.

    Attributes:
        detector: the :class:`faceloss.detect.FaceDetector`.
        name: ``"dlib-hog"``, ``"skimage-lbp"`` or the class name of a given detector.
        note: why it was chosen when it is not the paper's detector, else ``None``.
    """

    detector: FaceDetector
    name: str
    note: str | None = None


def choose_detector(detector: str | FaceDetector = "auto") -> ChosenDetector:
    """The detector for FR-PSNR / FR-SSIM.

    ``"auto"`` is dlib's HOG detector (:class:`faceloss.detect.DlibHOGDetector`, the
    paper's, via ``face_recognition``) when dlib is installed, else scikit-image's LBP
    cascade (:class:`faceloss.detect.SkimageLBPDetector`) with a note saying so: its
    FR numbers are not the paper's kind (it finds faces on a different share of images).
    ``"dlib-hog"`` insists on dlib (ImportError naming the extra); a callable is used as
    given (e.g. :class:`faceloss.detect.ExplicitBoxes`).

    Args:
        detector: ``"auto"``, ``"dlib-hog"``, ``"skimage-lbp"`` or a detector callable.

    Returns:
        A :class:`ChosenDetector`.

    Raises:
        ValueError: an unknown name.
        TypeError: neither a name nor a callable.
        ImportError: ``"dlib-hog"`` without dlib.

    Example:
        >>> choose_detector("skimage-lbp").name
        'skimage-lbp'
        >>> from faceloss.detect import ExplicitBoxes
        >>> choose_detector(ExplicitBoxes((0, 0, 8, 8))).name
        'ExplicitBoxes'
    """
    if isinstance(detector, str):
        if detector not in DETECTORS:
            raise ValueError(f"detector must be one of {DETECTORS} or a callable, got {detector!r}")
        if detector == "skimage-lbp":
            return ChosenDetector(SkimageLBPDetector(), "skimage-lbp")
        try:
            return ChosenDetector(DlibHOGDetector(), "dlib-hog")
        except ImportError as error:
            if detector == "dlib-hog":
                raise
            note = (
                "dlib is not installed, so faces were found with scikit-image's LBP cascade "
                "instead of dlib's HOG detector (the paper's); FR-PSNR/FR-SSIM and the skip "
                f"counts are not comparable with the paper's. Install it: "
                f"pip install 'eipnet[detect]' ({error.__class__.__name__})"
            )
            return ChosenDetector(SkimageLBPDetector(), "skimage-lbp", note)
    if not callable(detector):
        raise TypeError(
            f"detector must be a name {DETECTORS} or a callable image -> list[Box], "
            f"got {type(detector).__name__}"
        )
    return ChosenDetector(detector, type(detector).__name__)
