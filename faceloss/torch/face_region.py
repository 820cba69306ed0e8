"""Face-region PSNR and SSIM: the metric on the face box of the HR image (paper section 4.3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from faceloss._face_region import CropPlan, FaceRegionResult, crop_plan
from faceloss.detect import Box, FaceDetector, default_detector
from faceloss.detect._batch import check_detector, detected_boxes, given_boxes, quantise_uint8
from faceloss.spec import SSIM_PADDINGS, SSIM_WINDOW_SIZE
from faceloss.torch._checks import (
    check_bool,
    check_choice,
    check_data_range,
    check_image,
    check_range,
    check_same_shape,
)
from faceloss.torch._metric import MeanMetric
from faceloss.torch.psnr import psnr
from faceloss.torch.ssim import ssim

BoxesArg = Sequence[Box | Sequence[float] | None] | None


def _crop(images: torch.Tensor, box: Box) -> torch.Tensor:
    """``images[:, :, top:bottom, left:right]`` (NCHW)."""
    return images[:, :, box.top : box.bottom, box.left : box.right]


def _face_region_values(
    metric: Callable[..., torch.Tensor],
    prediction: object,
    target: object,
    data_range: float,
    detector: FaceDetector | None,
    boxes: BoxesArg,
    min_size: int,
    **options: object,
) -> tuple[torch.Tensor, CropPlan]:
    """Per-image metric on the face crops (NaN where skipped) and the crop plan."""
    data_range = check_data_range(data_range)
    prediction = check_image(prediction, "prediction", channels=3)
    target = check_image(target, "target", channels=3)
    check_same_shape(prediction, "prediction", target, "target")
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    if boxes is None:  # the detector needs the target on the host (one transfer per batch)
        host = target.detach().permute(0, 2, 3, 1).to("cpu", torch.float64).numpy()
        found = detected_boxes(quantise_uint8(host, data_range), detector)
    else:
        n, _, height, width = target.shape
        found = given_boxes(boxes, n, height, width)
    plan = crop_plan(found, min_size)
    skipped = torch.full((), float("nan"), dtype=prediction.dtype, device=prediction.device)
    values = [skipped] * prediction.shape[0]
    for index, box in plan.evaluated:
        pair = _crop(prediction[index : index + 1], box), _crop(target[index : index + 1], box)
        values[index] = metric(*pair, data_range, **options)[0]
    return torch.stack(values), plan


def fr_psnr(
    prediction: torch.Tensor,
    target: torch.Tensor,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
) -> torch.Tensor:
    r"""Face-region PSNR (FR-PSNR, section 4.3): PSNR on the face box of each HR image.

    For each image the face is detected on the target (HR) image, both images are
    cropped to that box and :func:`~faceloss.torch.psnr` is taken on the crops:

    .. math::
        \mathrm{FR\text{-}PSNR}_n = \mathrm{PSNR}\left(\hat I_n[B_n], I_n[B_n]\right),
        \quad B_n = \operatorname{detect}(\operatorname{uint8}(I_n))

    The detector sees ``round(clip(target / data_range, 0, 1) * 255)`` as uint8 on the
    host; of several faces the highest-scoring box is used (ties: the larger); the box is
    clipped to the image. Images without a face are skipped: their entry is NaN (the
    paper discards them). :class:`FRPSNR` keeps the count. Differentiable in
    ``prediction`` for the evaluated images.

    Args:
        prediction: super-resolved RGB images :math:`(N, 3, H, W)`, floats in
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
        Tensor :math:`(N,)` in dB, dtype and device of ``prediction``; NaN for skipped
        images, ``inf`` where the crops are identical.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB (grayscale is refused: the detectors need RGB), shape mismatch,
            empty batch, ``len(boxes) != N``, bad ``data_range``, or (value checks on)
            values outside [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.

    Example:
        >>> import torch
        >>> target = torch.full((2, 3, 32, 32), 0.5)
        >>> prediction = target.clone()
        >>> prediction[:, :, 8:24, 8:24] += 0.1  # error only inside the face box
        >>> fr_psnr(prediction, target, boxes=[(8, 8, 24, 24), None])
        tensor([20., nan])
    """
    check_bool("y_channel", y_channel)
    values, _ = _face_region_values(
        psnr, prediction, target, data_range, detector, boxes, 1, y_channel=y_channel
    )
    return values


def fr_ssim(
    prediction: torch.Tensor,
    target: torch.Tensor,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
    padding: str = "valid",
) -> torch.Tensor:
    r"""Face-region SSIM (FR-SSIM, section 4.3): SSIM on the face box of each HR image.

    As :func:`fr_psnr` with :func:`~faceloss.torch.ssim` on the crops:

    .. math::
        \mathrm{FR\text{-}SSIM}_n = \mathrm{SSIM}\left(\hat I_n[B_n], I_n[B_n]\right)

    SSIM needs crops of at least 11x11 pixels (its window): images whose clipped box is
    smaller on a side are skipped like images without a face (NaN here;
    :class:`FRSSIM` counts them separately as ``skipped_too_small``).

    Args:
        prediction: super-resolved RGB images :math:`(N, 3, H, W)`, floats in
            [0, data_range].
        target: ground-truth RGB images, same shape; the face is found on these.
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        boxes: precomputed boxes, one per image (Box, 4/5-sequence or ``None``); given
            boxes replace detection.
        y_channel: SSIM on the BT.601 luma instead of per RGB channel.
        padding: ``"valid"`` (skimage, default) or ``"same"``, as in
            :func:`~faceloss.torch.ssim`.

    Returns:
        Tensor :math:`(N,)` in [-1, 1], dtype and device of ``prediction``; NaN for
        skipped images.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB, shape mismatch, empty batch, ``len(boxes) != N``, bad
            ``data_range`` or ``padding``, or (value checks on) values outside
            [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.

    Example:
        >>> import torch
        >>> target = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        >>> fr_ssim(target, target, boxes=[(0, 0, 16, 16), (0, 0, 8, 8), None])
        tensor([1., nan, nan])
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

    _metric: Callable[..., torch.Tensor]
    _min_size: int

    def __init__(self, data_range: float, detector: FaceDetector | None, y_channel: bool) -> None:
        super().__init__()
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel
        self.detector = default_detector() if detector is None else check_detector(detector)
        self.add_state("skipped_no_face", torch.int64)
        self.add_state("skipped_too_small", torch.int64)

    def _options(self) -> dict[str, object]:
        return {"y_channel": self.y_channel}

    def _per_image(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self._values(prediction, target, None)[0]

    def _values(
        self, prediction: object, target: object, boxes: BoxesArg
    ) -> tuple[torch.Tensor, CropPlan]:
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

    def _update(
        self, prediction: torch.Tensor, target: torch.Tensor, boxes: BoxesArg
    ) -> torch.Tensor:
        values, plan = self._values(prediction, target, boxes)
        evaluated = values[[index for index, _ in plan.evaluated]]
        self._accumulate(evaluated)
        self.skipped_no_face += plan.skipped_no_face
        self.skipped_too_small += plan.skipped_too_small
        return evaluated

    def update(
        self, prediction: torch.Tensor, target: torch.Tensor, boxes: BoxesArg = None
    ) -> None:
        """Add a batch ``(N, 3, H, W)``; ``boxes`` (one per image) replace detection."""
        self._update(prediction, target, boxes)

    def forward(
        self, prediction: torch.Tensor, target: torch.Tensor, boxes: BoxesArg = None
    ) -> torch.Tensor:
        """Add a batch and return the mean over its evaluated images (NaN if none)."""
        return self._update(prediction, target, boxes).mean()

    def compute(self) -> FaceRegionResult:  # type: ignore[override]
        """The mean over evaluated images (NaN if none) and the counts, as Python numbers."""
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
    cached between calls (pass ``boxes=`` to reuse detections). :meth:`compute` returns a
    :class:`~faceloss.reference.FaceRegionResult` (the same class in every backend).

    Args:
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        y_channel: PSNR on the BT.601 luma.

    Example:
        >>> import torch
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRPSNR(detector=ExplicitBoxes((8, 8, 24, 24)))
        >>> target = torch.full((4, 3, 32, 32), 0.5, dtype=torch.float64)
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
        >>> import torch
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRSSIM(detector=ExplicitBoxes((0, 0, 16, 16)))
        >>> target = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
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
