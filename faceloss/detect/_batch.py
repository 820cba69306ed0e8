"""Detection on batches: the uint8 images a detector sees and the one box per image."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from faceloss import _validation as v
from faceloss.detect._box import Box, as_box, best_box, finalize_boxes
from faceloss.detect._protocol import FaceDetector


def quantise_uint8(target: np.ndarray, data_range: float) -> np.ndarray:
    """The uint8 images a detector sees: ``round(clip(target / data_range, 0, 1) * 255)``.

    Computed on the host in float64 for every backend, so all backends detect on the same
    bytes.

    Args:
        target: ``(N, H, W, 3)`` float images in ``[0, data_range]``.
        data_range: the value range of ``target``.

    Returns:
        ``(N, H, W, 3)`` uint8.

    Example:
        >>> quantise_uint8(np.array([[[[0.0, 0.5, 1.0]]]]), 1.0)[0, 0, 0].tolist()
        [0, 128, 255]
    """
    scaled = np.clip(np.asarray(target, dtype=np.float64) / data_range, 0.0, 1.0) * 255.0
    return np.round(scaled).astype(np.uint8)


def check_detector(detector: object) -> FaceDetector:
    """Require a callable detector."""
    if not callable(detector):
        raise TypeError(
            f"detector must be a callable image -> list[Box] (faceloss.detect.FaceDetector), "
            f"got {type(detector).__name__}"
        )
    return detector


def check_boxes(boxes: object, batch: int) -> list[Box | None]:
    """Per-image boxes: a sequence of ``batch`` entries, each a Box, a 4/5-sequence or None."""
    if isinstance(boxes, (str, bytes)) or not isinstance(boxes, (Sequence, np.ndarray)):
        raise TypeError(
            f"boxes must be a sequence with one Box, (top, left, bottom, right[, score]) or None "
            f"per image, got {type(boxes).__name__}"
        )
    if len(boxes) != batch:
        raise ValueError(f"boxes must have one entry per image ({batch}), got {len(boxes)}")
    return [None if b is None else as_box(b, f"boxes[{i}]") for i, b in enumerate(boxes)]


def given_boxes(
    boxes: Sequence[Box | Sequence[float] | None], batch: int, height: int, width: int
) -> list[Box | None]:
    """User-given boxes (one per image), clipped to ``height`` x ``width``; empty ones -> None.

    Example:
        >>> given_boxes([(0, 0, 40, 16), None, (50, 50, 60, 60)], 3, 32, 32)
        [Box(top=0, left=0, bottom=32, right=16, score=1.0), None, None]
    """
    clipped = [None if b is None else b.clip(height, width) for b in check_boxes(boxes, batch)]
    return [b if b is not None and b.area > 0 else None for b in clipped]


def detected_boxes(target_uint8: np.ndarray, detector: FaceDetector | None) -> list[Box | None]:
    """Run the detector on each uint8 image ``(N, H, W, 3)`` and keep one box per image.

    The detector's boxes are clipped to the image, empty ones dropped, and the
    highest-scoring box is kept (ties: the larger, then the first); ``None`` when no face
    remains. ``detector=None`` uses :func:`~faceloss.detect.default_detector`.

    Example:
        >>> from faceloss.detect import ExplicitBoxes
        >>> images = np.zeros((2, 32, 32, 3), np.uint8)
        >>> detected_boxes(images, ExplicitBoxes([(4, 4, 8, 8), (0, 0, 40, 40, 0.5)]))[1]
        Box(top=4, left=4, bottom=8, right=8, score=1.0)
    """
    if detector is None:
        from faceloss.detect import default_detector

        detector = default_detector()
    check_detector(detector)
    height, width = target_uint8.shape[1:3]
    chosen: list[Box | None] = []
    for image in target_uint8:
        found = detector(image)
        if not isinstance(found, (list, tuple)):
            raise TypeError(
                f"the detector must return a list of faceloss.detect.Box, got "
                f"{type(found).__name__}"
            )
        found = [as_box(b, f"box {i} of detector {detector!r}") for i, b in enumerate(found)]
        chosen.append(best_box(finalize_boxes(found, height, width)))
    return chosen


def detect_faces(
    target: np.ndarray,
    data_range: float = 1.0,
    detector: FaceDetector | None = None,
) -> list[Box | None]:
    """The box a face-region metric would use for each image, to compute once and reuse.

    Pass the result as ``boxes=`` to ``fr_psnr``/``fr_ssim`` or to the accumulators'
    ``update`` to score several models on the same detections without detecting again.

    Args:
        target: ground-truth images as a NumPy array ``(N, H, W, 3)``: floats in
            ``[0, data_range]`` (quantised to uint8 as the metrics do, see
            :func:`quantise_uint8`) or uint8 (used as they are). For a torch batch pass
            ``target.permute(0, 2, 3, 1).cpu().numpy()``.
        data_range: the value range of float images (ignored for uint8).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector`.

    Returns:
        One entry per image, the highest-scoring box clipped to the image, or ``None``.

    Example:
        >>> from faceloss.detect import ExplicitBoxes
        >>> detect_faces(np.zeros((2, 32, 32, 3)), detector=ExplicitBoxes((0, 0, 16, 16)))
        [Box(top=0, left=0, bottom=16, right=16, score=1.0), Box(top=0, left=0, bottom=16, right=16, score=1.0)]
    """
    v.check_type("target", target, np.ndarray, "a numpy.ndarray (N, H, W, 3)")
    v.check_image_shape("target", target.shape, "NHWC", 3)
    if target.dtype != np.uint8:
        v.check_floating("target", np.issubdtype(target.dtype, np.floating), target.dtype)
        target = quantise_uint8(target, v.check_data_range(data_range))
    return detected_boxes(target, detector)
