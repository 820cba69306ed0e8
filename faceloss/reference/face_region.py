"""Face-region PSNR and SSIM: the metric on the face box of the HR image (paper section 4.3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from faceloss._face_region import CropPlan, FaceRegionResult, crop_plan
from faceloss.detect import Box, FaceDetector, default_detector
from faceloss.detect._batch import check_detector, detected_boxes, given_boxes, quantise_uint8
from faceloss.reference._checks import (
    check_bool,
    check_choice,
    check_data_range,
    check_image,
    check_range,
    check_same_shape,
)
from faceloss.reference._metric import MeanMetric
from faceloss.reference.psnr import psnr
from faceloss.reference.ssim import ssim
from faceloss.spec import SSIM_PADDINGS, SSIM_WINDOW_SIZE

BoxesArg = Sequence[Box | Sequence[float] | None] | None


def _crop(images: np.ndarray, box: Box) -> np.ndarray:
    """``images[:, top:bottom, left:right, :]`` (NHWC)."""
    return images[:, box.top : box.bottom, box.left : box.right, :]


def _face_region_values(
    metric: Callable[..., np.ndarray],
    prediction: object,
    target: object,
    data_range: float,
    detector: FaceDetector | None,
    boxes: BoxesArg,
    min_size: int,
    **options: object,
) -> tuple[np.ndarray, CropPlan]:
    """Per-image metric on the face crops (NaN where skipped) and the crop plan."""
    data_range = check_data_range(data_range)
    prediction = check_image(prediction, "prediction", channels=3)
    target = check_image(target, "target", channels=3)
    check_same_shape(prediction, "prediction", target, "target")
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    if boxes is None:
        found = detected_boxes(quantise_uint8(target, data_range), detector)
    else:
        found = given_boxes(boxes, *target.shape[:3])
    plan = crop_plan(found, min_size)
    values = np.full(prediction.shape[0], np.nan)
    for index, box in plan.evaluated:
        pair = _crop(prediction[index : index + 1], box), _crop(target[index : index + 1], box)
        values[index] = metric(*pair, data_range, **options)[0]
    return values, plan


def fr_psnr(
    prediction: np.ndarray,
    target: np.ndarray,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
) -> np.ndarray:
    r"""Face-region PSNR (FR-PSNR, section 4.3): PSNR on the face box of each HR image.

    For each image the face is detected on the target (HR) image, both images are
    cropped to that box and :func:`~faceloss.reference.psnr` is taken on the crops:

    .. math::
        \mathrm{FR\text{-}PSNR}_n = \mathrm{PSNR}\left(\hat I_n[B_n], I_n[B_n]\right),
        \quad B_n = \operatorname{detect}(\operatorname{uint8}(I_n))

    The detector sees ``round(clip(target / data_range, 0, 1) * 255)`` as uint8 on the
    host; of several faces the highest-scoring box is used (ties: the larger); the box is
    clipped to the image. Images without a face are skipped: their entry is NaN (the
    paper discards them). :class:`FRPSNR` keeps the count.

    Args:
        prediction: super-resolved RGB images :math:`(N, H, W, 3)`, floats in
            [0, data_range].
        target: ground-truth RGB images, same shape; the face is found on these.
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        boxes: precomputed boxes, one per image (a :class:`~faceloss.detect.Box`, a
            ``(top, left, bottom, right[, score])`` sequence or ``None`` for "no face");
            given boxes replace detection (e.g. from :func:`faceloss.detect.detect_faces`).
        y_channel: PSNR on the BT.601 luma instead of RGB.

    Returns:
        float64 array :math:`(N,)` in dB; NaN for skipped images, ``inf`` where the crops
        are identical.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB (grayscale is refused: the detectors need RGB), shape mismatch,
            empty batch, ``len(boxes) != N``, bad ``data_range``, or (value checks on)
            values outside [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.

    Example:
        >>> import numpy as np
        >>> target = np.full((2, 32, 32, 3), 0.5)
        >>> prediction = target.copy()
        >>> prediction[:, 8:24, 8:24] += 0.1  # error only inside the face box
        >>> fr_psnr(prediction, target, boxes=[(8, 8, 24, 24), None]).round(4)
        array([20., nan])
    """
    check_bool("y_channel", y_channel)
    values, _ = _face_region_values(
        psnr, prediction, target, data_range, detector, boxes, 1, y_channel=y_channel
    )
    return values


def fr_ssim(
    prediction: np.ndarray,
    target: np.ndarray,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
    padding: str = "valid",
) -> np.ndarray:
    r"""Face-region SSIM (FR-SSIM, section 4.3): SSIM on the face box of each HR image.

    As :func:`fr_psnr` with :func:`~faceloss.reference.ssim` on the crops:

    .. math::
        \mathrm{FR\text{-}SSIM}_n = \mathrm{SSIM}\left(\hat I_n[B_n], I_n[B_n]\right)

    SSIM needs crops of at least 11x11 pixels (its window): images whose clipped box is
    smaller on a side are skipped like images without a face (NaN here;
    :class:`FRSSIM` counts them separately as ``skipped_too_small``).

    Args:
        prediction: super-resolved RGB images :math:`(N, H, W, 3)`, floats in
            [0, data_range].
        target: ground-truth RGB images, same shape; the face is found on these.
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        boxes: precomputed boxes, one per image (Box, 4/5-sequence or ``None``); given
            boxes replace detection.
        y_channel: SSIM on the BT.601 luma instead of per RGB channel.
        padding: ``"valid"`` (skimage, default) or ``"same"``, as in
            :func:`~faceloss.reference.ssim`.

    Returns:
        float64 array :math:`(N,)` in [-1, 1]; NaN for skipped images.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB, shape mismatch, empty batch, ``len(boxes) != N``, bad
            ``data_range`` or ``padding``, or (value checks on) values outside
            [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.

    Example:
        >>> import numpy as np
        >>> target = np.random.default_rng(0).random((3, 32, 32, 3))
        >>> fr_ssim(target, target, boxes=[(0, 0, 16, 16), (0, 0, 8, 8), None])
        array([ 1., nan, nan])
    """
    check_bool("y_channel", y_channel)
    check_choice("padding", padding, SSIM_PADDINGS)
    values, _ = _face_region_values(
        ssim,
        prediction,
        target,
        data_range,
        detector,
        boxes,
        SSIM_WINDOW_SIZE,
        y_channel=y_channel,
        padding=padding,
    )
    return values


class _FaceRegionMetric(MeanMetric):
    """Mean of a face-region metric with the skip counts; ``compute`` gives a FaceRegionResult."""

    _metric: Callable[..., np.ndarray]
    _min_size: int

    def __init__(self, data_range: float, detector: FaceDetector | None, y_channel: bool) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel
        self.detector = default_detector() if detector is None else check_detector(detector)
        self.add_state("skipped_no_face", np.int64)
        self.add_state("skipped_too_small", np.int64)

    def _options(self) -> dict[str, object]:
        return {"y_channel": self.y_channel}

    def _per_image(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        return self._values(prediction, target, None)[0]

    def _values(
        self, prediction: object, target: object, boxes: BoxesArg
    ) -> tuple[np.ndarray, CropPlan]:
        return _face_region_values(
            type(self)._metric,
            prediction,
            target,
            self.data_range,
            self.detector,
            boxes,
            self._min_size,
            **self._options(),
        )

    def update(self, prediction: np.ndarray, target: np.ndarray, boxes: BoxesArg = None) -> None:
        """Add a batch ``(N, H, W, 3)``; ``boxes`` (one per image) replace detection."""
        values, plan = self._values(prediction, target, boxes)
        self._accumulate(values[[index for index, _ in plan.evaluated]])
        self.skipped_no_face = np.int64(self.skipped_no_face + plan.skipped_no_face)
        self.skipped_too_small = np.int64(self.skipped_too_small + plan.skipped_too_small)

    def compute(self) -> FaceRegionResult:  # type: ignore[override]
        """The mean over evaluated images (NaN if none) and the counts."""
        return FaceRegionResult(
            value=float(super().compute()),
            evaluated=int(self.count),
            skipped_no_face=int(self.skipped_no_face),
            skipped_too_small=int(self.skipped_too_small),
        )

    def extra_repr(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in self._options().items())
        return f"data_range={self.data_range}, detector={self.detector!r}, {options}"


class FRPSNR(_FaceRegionMetric):
    """FR-PSNR over a test set: mean of per-image face-region PSNRs and the skip counts.

    See :func:`fr_psnr`. The detector runs once per image in :meth:`update`; nothing is
    cached between calls (pass ``boxes=`` to reuse detections).

    Args:
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        y_channel: PSNR on the BT.601 luma.

    Example:
        >>> import numpy as np
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRPSNR(detector=ExplicitBoxes((8, 8, 24, 24)))
        >>> target = np.full((4, 32, 32, 3), 0.5)
        >>> metric.update(target + 0.1, target)
        >>> metric.update(target + 0.01, target, boxes=[(0, 0, 32, 32), None, None, None])
        >>> metric.compute()
        FaceRegionResult(value=24.0, evaluated=5, skipped_no_face=3, skipped_too_small=0)
    """

    _metric = staticmethod(psnr)
    _min_size = 1

    def __init__(
        self,
        data_range: float = 1.0,
        *,
        detector: FaceDetector | None = None,
        y_channel: bool = False,
    ) -> None:
        super().__init__(data_range, detector, y_channel)


class FRSSIM(_FaceRegionMetric):
    """FR-SSIM over a test set: mean of per-image face-region SSIMs and the skip counts.

    See :func:`fr_ssim`; boxes smaller than 11x11 count as ``skipped_too_small``.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        y_channel: SSIM on the BT.601 luma.
        padding: ``"valid"`` (default) or ``"same"``.

    Example:
        >>> import numpy as np
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRSSIM(detector=ExplicitBoxes((0, 0, 16, 16)))
        >>> target = np.random.default_rng(0).random((2, 32, 32, 3))
        >>> metric.update(target, target)
        >>> metric.update(target, target, boxes=[(0, 0, 8, 8), None])
        >>> metric.compute()
        FaceRegionResult(value=1.0, evaluated=2, skipped_no_face=1, skipped_too_small=1)
    """

    _metric = staticmethod(ssim)
    _min_size = SSIM_WINDOW_SIZE

    def __init__(
        self,
        data_range: float = 1.0,
        *,
        detector: FaceDetector | None = None,
        y_channel: bool = False,
        padding: str = "valid",
    ) -> None:
        super().__init__(data_range, detector, y_channel)
        check_choice("padding", padding, SSIM_PADDINGS)
        self.padding = padding

    def _options(self) -> dict[str, object]:
        return {"y_channel": self.y_channel, "padding": self.padding}
