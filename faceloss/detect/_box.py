"""Face boxes: the :class:`Box` type, input checks for detectors, clipping and selection."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from faceloss import _validation as v


@dataclass(frozen=True)
class Box:
    """A face box in pixel coordinates of an ``(H, W, 3)`` image, with a detector score.

    Coordinates are integers, half-open like Python slices: the face is
    ``image[top:bottom, left:right]``, so the box is ``bottom - top`` rows by
    ``right - left`` columns. This is how ``face_recognition`` (the paper's
    detector) crops with the ``(top, right, bottom, left)`` tuples it returns.

    Attributes:
        top: first row of the face.
        left: first column of the face.
        bottom: one past the last row.
        right: one past the last column.
        score: the detector's confidence (larger is more confident); detectors
            without one report ``1.0``.

    Example:
        >>> box = Box(top=10, left=20, bottom=60, right=70, score=1.5)
        >>> box.height, box.width, box.area
        (50, 50, 2500)
        >>> box.clip(height=40, width=128)
        Box(top=10, left=20, bottom=40, right=70, score=1.5)
    """

    top: int
    left: int
    bottom: int
    right: int
    score: float = 1.0

    def __post_init__(self) -> None:
        for name in ("top", "left", "bottom", "right"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"Box.{name} must be an int, got {type(value).__name__}")
            object.__setattr__(self, name, int(value))
        score = self.score
        if isinstance(score, bool) or not isinstance(score, numbers.Real):
            raise TypeError(f"Box.score must be a real number, got {type(score).__name__}")
        if not math.isfinite(score):
            raise ValueError(f"Box.score must be finite, got {score}")
        object.__setattr__(self, "score", float(score))

    @property
    def height(self) -> int:
        """Rows covered (0 for an empty box)."""
        return max(self.bottom - self.top, 0)

    @property
    def width(self) -> int:
        """Columns covered (0 for an empty box)."""
        return max(self.right - self.left, 0)

    @property
    def area(self) -> int:
        """Pixels covered."""
        return self.height * self.width

    def clip(self, height: int, width: int) -> Box:
        """The box intersected with an image of ``height`` x ``width`` pixels."""
        return Box(
            top=min(max(self.top, 0), height),
            left=min(max(self.left, 0), width),
            bottom=min(max(self.bottom, 0), height),
            right=min(max(self.right, 0), width),
            score=self.score,
        )


def as_box(value: Box | Sequence[float], name: str = "box") -> Box:
    """A :class:`Box` from a Box or a ``(top, left, bottom, right[, score])`` sequence.

    Example:
        >>> as_box((0, 0, 64, 32))
        Box(top=0, left=0, bottom=64, right=32, score=1.0)
    """
    if isinstance(value, Box):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(
            f"{name} must be a faceloss.detect.Box or a (top, left, bottom, right[, score]) "
            f"sequence, got {type(value).__name__}"
        )
    if len(value) not in (4, 5):
        raise ValueError(
            f"{name} must have 4 or 5 entries (top, left, bottom, right[, score]), got {len(value)}"
        )
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, numbers.Real):
            raise TypeError(
                f"{name} entries must be real numbers (top, left, bottom, right[, score]), "
                f"got {type(entry).__name__} in {tuple(value)!r}"
            )
        if not math.isfinite(entry):
            raise ValueError(f"{name} entries must be finite, got {tuple(value)!r}")
    coords = []
    for entry in value[:4]:
        if float(entry) != int(entry):
            raise ValueError(f"{name} coordinates must be whole pixels, got {tuple(value)}")
        coords.append(int(entry))
    score = float(value[4]) if len(value) == 5 else 1.0
    return Box(*coords, score=score)


def check_detector_image(image: object) -> np.ndarray:
    """Require one uint8 RGB image ``(H, W, 3)`` (a NumPy array) and return it.

    Raises:
        TypeError: not a NumPy array, or not uint8.
        ValueError: not of shape ``(H, W, 3)`` with ``H, W >= 1`` (grayscale ``(H, W)``,
            ``(H, W, 1)``, RGBA and batches are refused).

    Example:
        >>> import numpy as np
        >>> check_detector_image(np.zeros((4, 5, 3), dtype=np.uint8)).shape
        (4, 5, 3)
        >>> check_detector_image(np.zeros((4, 5, 3)))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: image must have dtype uint8 (values 0..255), got float64; ...
    """
    v.check_type("image", image, np.ndarray, "a numpy.ndarray")
    if image.dtype != np.uint8:
        raise TypeError(
            f"image must have dtype uint8 (values 0..255), got {image.dtype}; "
            "quantise float images with numpy.round(numpy.clip(x, 0, 1) * 255).astype(numpy.uint8)"
        )
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(
            f"image must be one RGB image of shape (H, W, 3), got shape {tuple(image.shape)}; "
            "a grayscale image can be stacked to RGB with numpy.repeat(gray[..., None], 3, axis=2)"
        )
    return image


def finalize_boxes(boxes: Iterable[Box], height: int, width: int) -> list[Box]:
    """Clip boxes to the image, drop those left empty, sort by score (highest first).

    The sort is stable and ties keep the larger area first, then the detector's order.

    Example:
        >>> finalize_boxes([Box(-5, -5, 10, 10, 0.5), Box(200, 0, 300, 5, 2.0)], 128, 128)
        [Box(top=0, left=0, bottom=10, right=10, score=0.5)]
    """
    kept = [box.clip(height, width) for box in boxes]
    kept = [box for box in kept if box.area > 0]
    return sorted(kept, key=lambda box: (-box.score, -box.area))


def best_box(boxes: Sequence[Box]) -> Box | None:
    """The box a face-region metric uses: the highest score (then the largest), or None.

    Example:
        >>> best_box([Box(0, 0, 10, 10, 0.2), Box(5, 5, 50, 50, 0.9)])
        Box(top=5, left=5, bottom=50, right=50, score=0.9)
        >>> best_box([]) is None
        True
    """
    if not boxes:
        return None
    return min(boxes, key=lambda box: (-box.score, -box.area))
