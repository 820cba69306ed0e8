"""Backend-free parts of the face-region metrics and TAR: checks, quantisation, box choice.

Every backend's ``face_region.py`` and ``tar.py`` call these, so the rules, the
messages and the box each image gets are the same in NumPy, torch and TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from faceloss import _validation as v
from faceloss.detect._box import Box


@dataclass(frozen=True)
class FaceRegionResult:
    """What a face-region metric's ``compute()`` returns (the same class in every backend).

    Attributes:
        value: mean of the per-image metric over the evaluated images (FR-PSNR in dB,
            FR-SSIM unitless); NaN when no image was evaluated.
        evaluated: images whose face crop was scored.
        skipped_no_face: images where the detector found no face (or the given box was
            ``None`` or empty after clipping to the image).
        skipped_too_small: images whose face crop was smaller than the metric needs
            (FR-SSIM: 11x11, the SSIM window); always 0 for FR-PSNR.

    Example:
        >>> result = FaceRegionResult(value=25.1, evaluated=18807, skipped_no_face=1155,
        ...                           skipped_too_small=0)
        >>> result.skipped, result.total
        (1155, 19962)
    """

    value: float
    evaluated: int
    skipped_no_face: int
    skipped_too_small: int

    @property
    def skipped(self) -> int:
        """All skipped images."""
        return self.skipped_no_face + self.skipped_too_small

    @property
    def total(self) -> int:
        """All images seen."""
        return self.evaluated + self.skipped


def check_embedding_shapes(
    name_a: str, shape_a: Sequence[int | None], name_b: str, shape_b: Sequence[int | None]
) -> None:
    """Require two ``(N, D)`` embedding batches of the same shape, N, D >= 1."""
    for name, shape in ((name_a, shape_a), (name_b, shape_b)):
        if len(shape) != 2:
            raise ValueError(
                f"{name} must be a 2-D batch of embeddings (N, D), got {len(shape)}-D shape "
                f"{v._fmt_shape(shape)}"
            )
        if shape[0] == 0 or shape[1] == 0:
            raise ValueError(f"{name} must not be empty, got shape {v._fmt_shape(shape)}")
    v.check_same_shape(name_a, shape_a, name_b, shape_b)


def check_thresholds(thresholds: object) -> tuple[float, ...]:
    """Distance thresholds as a tuple of finite, non-negative floats (a non-empty 1-D sequence).

    Example:
        >>> check_thresholds([0.5, 0.6])
        (0.5, 0.6)
    """
    if isinstance(thresholds, (int, float, np.number)) and not isinstance(thresholds, bool):
        raise TypeError(
            f"thresholds must be a sequence of numbers (e.g. [0.6]), got the scalar {thresholds!r}"
        )
    if isinstance(thresholds, (str, bytes)) or not isinstance(thresholds, (Sequence, np.ndarray)):
        raise TypeError(
            f"thresholds must be a sequence of numbers, got {type(thresholds).__name__}"
        )
    if any(isinstance(t, (str, bytes, bool)) for t in thresholds):
        raise TypeError(f"thresholds must be a sequence of numbers, got {list(thresholds)!r}")
    try:
        values = np.asarray(thresholds, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"thresholds must be a sequence of numbers, got {list(thresholds)!r}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"thresholds must be a non-empty 1-D sequence, got shape {tuple(values.shape)}"
        )
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"thresholds must be finite and >= 0, got {values.tolist()}")
    return tuple(float(t) for t in values)


@dataclass(frozen=True)
class CropPlan:
    """Which images a face-region metric scores, with which box, and why the others are skipped.

    Attributes:
        evaluated: ``(image index, box)`` pairs, in batch order.
        skipped_no_face: images without a box.
        skipped_too_small: images whose box is smaller than ``min_size`` on a side.
    """

    evaluated: tuple[tuple[int, Box], ...]
    skipped_no_face: int
    skipped_too_small: int


def crop_plan(boxes: Sequence[Box | None], min_size: int) -> CropPlan:
    """Sort images into evaluated (box at least ``min_size`` x ``min_size``) and skipped.

    Example:
        >>> plan = crop_plan([Box(0, 0, 20, 20), None, Box(0, 0, 20, 10)], min_size=11)
        >>> [i for i, _ in plan.evaluated], plan.skipped_no_face, plan.skipped_too_small
        ([0], 1, 1)
    """
    evaluated = []
    no_face = too_small = 0
    for index, box in enumerate(boxes):
        if box is None:
            no_face += 1
        elif box.height < min_size or box.width < min_size:
            too_small += 1
        else:
            evaluated.append((index, box))
    return CropPlan(tuple(evaluated), no_face, too_small)
