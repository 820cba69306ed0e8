"""Detectors as plain configs, so Keras metrics holding one can be saved and reloaded."""

from __future__ import annotations

from faceloss.detect._protocol import FaceDetector
from faceloss.detect.dlib_hog import DlibHOGDetector
from faceloss.detect.explicit import ExplicitBoxes
from faceloss.detect.skimage_lbp import SkimageLBPDetector

_BUILTIN = {cls.__name__: cls for cls in (DlibHOGDetector, ExplicitBoxes, SkimageLBPDetector)}


def detector_to_config(detector: FaceDetector) -> dict[str, object]:
    """``{"class_name": ..., "config": {...}}`` for a built-in detector.

    Raises:
        TypeError: a custom detector (its state is unknown to faceloss); pass it again as
            ``detector=`` when rebuilding the metric.

    Example:
        >>> detector_to_config(ExplicitBoxes((0, 0, 8, 8)))
        {'class_name': 'ExplicitBoxes', 'config': {'boxes': [[0, 0, 8, 8, 1.0]]}}
    """
    name = type(detector).__name__
    if _BUILTIN.get(name) is not type(detector):
        raise TypeError(
            f"only faceloss' own detectors ({', '.join(sorted(_BUILTIN))}) can be serialised, "
            f"got {name}; rebuild the metric with detector=... instead"
        )
    return {"class_name": name, "config": detector.get_config()}  # type: ignore[attr-defined]


def detector_from_config(config: dict[str, object]) -> FaceDetector:
    """The detector described by :func:`detector_to_config`'s output.

    Example:
        >>> detector_from_config({"class_name": "ExplicitBoxes", "config": {"boxes": [[0, 0, 8, 8]]}})
        ExplicitBoxes([Box(top=0, left=0, bottom=8, right=8, score=1.0)])
    """
    name = config.get("class_name")
    if name not in _BUILTIN:
        raise ValueError(f"unknown detector class {name!r}; known: {', '.join(sorted(_BUILTIN))}")
    return _BUILTIN[name](**config["config"])  # type: ignore[arg-type]
