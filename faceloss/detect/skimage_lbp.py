"""scikit-image's LBP frontal-face cascade: a face detector with nothing beyond the base install."""

from __future__ import annotations

import numpy as np

from faceloss.detect._box import Box, check_detector_image, finalize_boxes
from faceloss.spec import (
    LBP_MIN_NEIGHBOR_NUMBER,
    LBP_MIN_SIZE,
    LBP_SCALE_FACTOR,
    LBP_STEP_RATIO,
)


class SkimageLBPDetector:
    """Multi-scale LBP cascade (``skimage.feature.Cascade``) with scikit-image's frontal-face model.

    The cascade file ships with scikit-image
    (``skimage.data.lbp_frontal_face_cascade_filename()``), so this detector works with the
    base install and offline. It is not the paper's detector (that is
    :class:`DlibHOGDetector`): its boxes are placed and sized differently, so FR metrics
    taken with it are not comparable to the paper's numbers.

    The cascade reports no confidence: every box gets ``score=1.0``, so the face-region
    metrics take the largest box. The defaults (``faceloss.spec.LBP_*``) were tuned on the
    aligned 128x128 CelebA and Helen faces of ``shared/data`` for a high detection rate
    without detections on noise or flat images (``benchmarks/detectors.py``).

    Args:
        scale_factor: growth of the search window per scale (> 1; smaller is slower and
            finds more).
        step_ratio: search step relative to the window (>= 1; 1 is exhaustive).
        min_size: smallest window side in pixels (>= 24, the cascade's base window).
        max_size: largest window side in pixels, or ``None`` for the image's larger side.
        min_neighbor_number: overlapping raw detections needed to keep a face (>= 1).

    Raises:
        ValueError: a parameter is out of range.

    Example:
        >>> from skimage.data import astronaut
        >>> detector = SkimageLBPDetector()
        >>> box = detector(astronaut())[0]  # equal scores: the largest box first
        >>> box.top, box.left, box.bottom, box.right, box.score
        (67, 177, 162, 272, 1.0)
    """

    def __init__(
        self,
        scale_factor: float = LBP_SCALE_FACTOR,
        step_ratio: float = LBP_STEP_RATIO,
        min_size: int = LBP_MIN_SIZE,
        max_size: int | None = None,
        min_neighbor_number: int = LBP_MIN_NEIGHBOR_NUMBER,
    ) -> None:
        from skimage.data import lbp_frontal_face_cascade_filename
        from skimage.feature import Cascade

        if not scale_factor > 1.0:
            raise ValueError(f"scale_factor must be > 1, got {scale_factor}")
        if not step_ratio >= 1.0:
            raise ValueError(f"step_ratio must be >= 1, got {step_ratio}")
        if min_size < 24:
            raise ValueError(f"min_size must be >= 24 (the cascade's window), got {min_size}")
        if max_size is not None and max_size < min_size:
            raise ValueError(f"max_size must be >= min_size ({min_size}), got {max_size}")
        if min_neighbor_number < 1:
            raise ValueError(f"min_neighbor_number must be >= 1, got {min_neighbor_number}")
        self.scale_factor = float(scale_factor)
        self.step_ratio = float(step_ratio)
        self.min_size = int(min_size)
        self.max_size = None if max_size is None else int(max_size)
        self.min_neighbor_number = int(min_neighbor_number)
        self._cascade = Cascade(lbp_frontal_face_cascade_filename())

    def __call__(self, image: np.ndarray) -> list[Box]:
        image = check_detector_image(image)
        height, width = image.shape[:2]
        largest = max(height, width) if self.max_size is None else self.max_size
        if min(height, width) < self.min_size:
            return []
        found = self._cascade.detect_multi_scale(
            np.ascontiguousarray(image),
            scale_factor=self.scale_factor,
            step_ratio=self.step_ratio,
            min_size=(self.min_size, self.min_size),
            max_size=(largest, largest),
            min_neighbor_number=self.min_neighbor_number,
        )
        boxes = [Box(d["r"], d["c"], d["r"] + d["height"], d["c"] + d["width"], 1.0) for d in found]
        return finalize_boxes(boxes, height, width)

    def get_config(self) -> dict[str, object]:
        """The constructor arguments (``SkimageLBPDetector(**config)`` rebuilds the detector)."""
        return {
            "scale_factor": self.scale_factor,
            "step_ratio": self.step_ratio,
            "min_size": self.min_size,
            "max_size": self.max_size,
            "min_neighbor_number": self.min_neighbor_number,
        }

    def __repr__(self) -> str:
        return (
            f"SkimageLBPDetector(scale_factor={self.scale_factor:g}, "
            f"step_ratio={self.step_ratio:g}, min_size={self.min_size}, "
            f"max_size={self.max_size}, min_neighbor_number={self.min_neighbor_number})"
        )
