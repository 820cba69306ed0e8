"""Explicit, user-given face boxes as a detector."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from faceloss.detect._box import Box, as_box, check_detector_image, finalize_boxes


class ExplicitBoxes:
    """A detector that returns the same given box(es) for every image.

    For aligned face sets a fixed face region is a common, deterministic choice
    (no detector, nothing skipped unless the box lies outside the image). The boxes
    are clipped to each image and those left empty dropped, exactly like detected
    boxes. For different boxes per image pass ``boxes=`` to the face-region metrics
    instead.

    Args:
        boxes: one :class:`Box` or ``(top, left, bottom, right[, score])`` sequence, or a
            sequence of them (half-open pixel coordinates, see :class:`Box`).

    Raises:
        TypeError, ValueError: a box is malformed.

    Example:
        >>> import numpy as np
        >>> detector = ExplicitBoxes((16, 16, 112, 112))
        >>> detector(np.zeros((128, 128, 3), np.uint8))
        [Box(top=16, left=16, bottom=112, right=112, score=1.0)]
        >>> detector(np.zeros((64, 64, 3), np.uint8))  # clipped to a smaller image
        [Box(top=16, left=16, bottom=64, right=64, score=1.0)]
    """

    def __init__(self, boxes: Box | Sequence[float] | Sequence[Box | Sequence[float]]) -> None:
        if isinstance(boxes, Box) or (
            isinstance(boxes, (Sequence, np.ndarray))
            and len(boxes) in (4, 5)
            and all(isinstance(b, (int, float, np.number)) for b in boxes)
        ):
            boxes = [boxes]
        if isinstance(boxes, (str, bytes)) or not isinstance(boxes, (Sequence, np.ndarray)):
            raise TypeError(
                f"boxes must be a Box, a (top, left, bottom, right[, score]) sequence or a "
                f"sequence of them, got {type(boxes).__name__}"
            )
        self.boxes = tuple(as_box(b, f"boxes[{i}]") for i, b in enumerate(boxes))

    def __call__(self, image: np.ndarray) -> list[Box]:
        image = check_detector_image(image)
        return finalize_boxes(self.boxes, image.shape[0], image.shape[1])

    def get_config(self) -> dict[str, object]:
        """The constructor arguments (``ExplicitBoxes(**config)`` rebuilds the detector)."""
        return {"boxes": [[b.top, b.left, b.bottom, b.right, b.score] for b in self.boxes]}

    def __repr__(self) -> str:
        return f"ExplicitBoxes({list(self.boxes)!r})"
