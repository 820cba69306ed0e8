"""Face-region PSNR and SSIM: the metric on the face box of the HR image (paper section 4.3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf

from faceloss._face_region import CropPlan, FaceRegionResult, crop_plan
from faceloss.detect import Box, FaceDetector, default_detector
from faceloss.detect._batch import check_detector, detected_boxes, given_boxes, quantise_uint8
from faceloss.detect._config import detector_from_config, detector_to_config
from faceloss.spec import SSIM_PADDINGS, SSIM_WINDOW_SIZE
from faceloss.tf._checks import (
    check_bool,
    check_choice,
    check_data_range,
    check_image,
    check_range,
    check_same_shape,
)
from faceloss.tf._metric import MeanMetric
from faceloss.tf.psnr import psnr
from faceloss.tf.ssim import ssim

BoxesArg = Sequence[Box | Sequence[float] | None] | None


def _crop(images: tf.Tensor, box: Box) -> tf.Tensor:
    """``images[:, top:bottom, left:right, :]`` (NHWC)."""
    return images[:, box.top : box.bottom, box.left : box.right, :]


def _require_eager(what: str) -> None:
    if not tf.executing_eagerly():
        raise RuntimeError(
            f"{what} runs the face detector on the host and works eagerly only, not inside "
            "tf.function or model.compile(metrics=...); call it on eager tensors (e.g. in a "
            "loop over the test set)"
        )


def _face_region_values(
    metric: Callable[..., tf.Tensor],
    prediction: object,
    target: object,
    data_range: float,
    detector: FaceDetector | None,
    boxes: BoxesArg,
    min_size: int,
    **options: object,
) -> tuple[tf.Tensor, CropPlan]:
    """Per-image metric on the face crops (NaN where skipped) and the crop plan."""
    _require_eager("a face-region metric")
    data_range = check_data_range(data_range)
    prediction = check_image(prediction, "prediction", channels=3)
    target = check_image(target, "target", channels=3)
    check_same_shape(prediction, "prediction", target, "target")
    check_range(prediction, "prediction", 0.0, data_range)
    check_range(target, "target", 0.0, data_range)
    target = tf.cast(target, prediction.dtype) if target.dtype != prediction.dtype else target
    if boxes is None:  # the detector needs the target on the host (one transfer per batch)
        host = np.asarray(target.numpy(), dtype=np.float64)
        found = detected_boxes(quantise_uint8(host, data_range), detector)
    else:
        n, height, width = target.shape[:3]
        found = given_boxes(boxes, n, height, width)
    plan = crop_plan(found, min_size)
    skipped = tf.constant(float("nan"), dtype=prediction.dtype)
    values = [skipped] * prediction.shape[0]
    for index, box in plan.evaluated:
        pair = _crop(prediction[index : index + 1], box), _crop(target[index : index + 1], box)
        values[index] = metric(*pair, data_range, **options)[0]
    return tf.stack(values), plan


def fr_psnr(
    prediction: tf.Tensor,
    target: tf.Tensor,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
) -> tf.Tensor:
    r"""Face-region PSNR (FR-PSNR, section 4.3): PSNR on the face box of each HR image.

    For each image the face is detected on the target (HR) image, both images are
    cropped to that box and :func:`~faceloss.tf.psnr` is taken on the crops:

    .. math::
        \mathrm{FR\text{-}PSNR}_n = \mathrm{PSNR}\left(\hat I_n[B_n], I_n[B_n]\right),
        \quad B_n = \operatorname{detect}(\operatorname{uint8}(I_n))

    The detector sees ``round(clip(target / data_range, 0, 1) * 255)`` as uint8 on the
    host; of several faces the highest-scoring box is used (ties: the larger); the box is
    clipped to the image. Images without a face are skipped: their entry is NaN (the
    paper discards them). :class:`FRPSNR` keeps the count. Differentiable in
    ``prediction`` for the evaluated images. Eager only.

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
        Tensor :math:`(N,)` in dB, dtype of ``prediction``; NaN for skipped images,
        ``inf`` where the crops are identical.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB (grayscale is refused: the detectors need RGB), shape mismatch,
            empty batch, ``len(boxes) != N``, bad ``data_range``, or (value checks on)
            values outside [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.
        RuntimeError: called inside a ``tf.function`` (the detector needs eager tensors).

    Example:
        >>> import numpy as np
        >>> import tensorflow as tf
        >>> target = np.full((2, 32, 32, 3), 0.5, np.float32)
        >>> prediction = target.copy()
        >>> prediction[:, 8:24, 8:24] += 0.1  # error only inside the face box
        >>> fr_psnr(tf.constant(prediction), tf.constant(target), boxes=[(8, 8, 24, 24), None])
        <tf.Tensor: shape=(2,), dtype=float32, numpy=array([20., nan], dtype=float32)>
    """
    check_bool("y_channel", y_channel)
    values, _ = _face_region_values(
        psnr, prediction, target, data_range, detector, boxes, 1, y_channel=y_channel
    )
    return values


def fr_ssim(
    prediction: tf.Tensor,
    target: tf.Tensor,
    data_range: float = 1.0,
    *,
    detector: FaceDetector | None = None,
    boxes: BoxesArg = None,
    y_channel: bool = False,
    padding: str = "valid",
) -> tf.Tensor:
    r"""Face-region SSIM (FR-SSIM, section 4.3): SSIM on the face box of each HR image.

    As :func:`fr_psnr` with :func:`~faceloss.tf.ssim` on the crops:

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
            :func:`~faceloss.tf.ssim`.

    Returns:
        Tensor :math:`(N,)` in [-1, 1], dtype of ``prediction``; NaN for skipped images.

    Raises:
        TypeError: non-float images, a non-callable detector, malformed boxes.
        ValueError: not RGB, shape mismatch, empty batch, ``len(boxes) != N``, bad
            ``data_range`` or ``padding``, or (value checks on) values outside
            [0, data_range].
        ImportError: ``detector=None`` and ``boxes=None`` without dlib installed.
        RuntimeError: called inside a ``tf.function`` (the detector needs eager tensors).

    Example:
        >>> import tensorflow as tf
        >>> target = tf.random.stateless_uniform((3, 32, 32, 3), seed=(0, 0))
        >>> fr_ssim(target, target, boxes=[(0, 0, 16, 16), (0, 0, 8, 8), None]).numpy()
        array([ 1., nan, nan], dtype=float32)
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
    """Mean of a face-region metric with the skip counts, as an eager-only Keras metric."""

    _metric: Callable[..., tf.Tensor]
    _min_size: int

    def __init__(
        self,
        data_range: float,
        detector: FaceDetector | dict | None,
        y_channel: bool,
        name: str,
        dtype: str | None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.data_range = check_data_range(data_range)
        check_bool("y_channel", y_channel)
        self.y_channel = y_channel
        if isinstance(detector, dict):  # from get_config
            detector = detector_from_config(detector)
        self._default_detector = detector is None
        self.detector = default_detector() if detector is None else check_detector(detector)
        self.add_state("skipped_no_face", "int64")
        self.add_state("skipped_too_small", "int64")

    def _options(self) -> dict[str, object]:
        return {"y_channel": self.y_channel}

    def _per_image(self, prediction: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
        return self._values(prediction, target, None)[0]

    def _values(
        self, prediction: object, target: object, boxes: BoxesArg
    ) -> tuple[tf.Tensor, CropPlan]:
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

    def update_state(
        self,
        y_true: tf.Tensor,
        y_pred: tf.Tensor,
        sample_weight: tf.Tensor | None = None,
        boxes: BoxesArg = None,
    ) -> None:
        """Add a batch (Keras order: ``y_true`` is the target; NHWC); eager only.

        ``boxes`` (one per image) replace detection.
        """
        if sample_weight is not None:
            raise ValueError(
                f"{type(self).__name__} does not take sample_weight: every image counts once"
            )
        _require_eager(type(self).__name__)
        values, plan = self._values(y_pred, y_true, boxes)
        evaluated = tf.constant([index for index, _ in plan.evaluated], dtype=tf.int64)
        self._accumulate(tf.gather(values, evaluated))
        self.skipped_no_face.assign_add(plan.skipped_no_face)
        self.skipped_too_small.assign_add(plan.skipped_too_small)

    def update(self, prediction: tf.Tensor, target: tf.Tensor, boxes: BoxesArg = None) -> None:
        """Add a batch ``(N, H, W, 3)`` in faceloss' ``(prediction, target)`` order."""
        self.update_state(target, prediction, boxes=boxes)

    def compute(self) -> FaceRegionResult:  # type: ignore[override]
        """The mean over evaluated images (NaN if none) and the counts, as Python numbers.

        Keras' ``result()`` returns the mean alone (a float64 tensor).
        """
        return FaceRegionResult(
            value=float(self.result()),
            evaluated=int(self.count.numpy()),
            skipped_no_face=int(self.skipped_no_face.numpy()),
            skipped_too_small=int(self.skipped_too_small.numpy()),
        )

    def get_config(self) -> dict:
        """Every constructor argument; the detector as a config (built-in detectors only)."""
        detector = None if self._default_detector else detector_to_config(self.detector)
        return {
            **super().get_config(),
            "data_range": self.data_range,
            "detector": detector,
            **self._options(),
        }


@keras.saving.register_keras_serializable(package="faceloss")
class FRPSNR(_FaceRegionMetric):
    """FR-PSNR over a test set: mean of per-image face-region PSNRs and the skip counts.

    See :func:`fr_psnr`. A ``keras.metrics.Metric`` that works eagerly only (the detector
    runs on the host); :meth:`update`/:meth:`compute`/:meth:`reset` as in torch and NumPy,
    and :meth:`compute` returns a :class:`~faceloss.reference.FaceRegionResult` (the same class in
    every backend). The detector runs once per image; nothing is cached between calls
    (pass ``boxes=`` to reuse detections). ``get_config`` stores built-in detectors.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        y_channel: PSNR on the BT.601 luma.
        name: the metric name.
        dtype: the dtype of the computation (Keras' default float type if ``None``).

    Example:
        >>> import tensorflow as tf
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRPSNR(detector=ExplicitBoxes((8, 8, 24, 24)))
        >>> target = tf.fill((4, 32, 32, 3), tf.constant(0.5, tf.float64))
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
        detector: FaceDetector | dict | None = None,
        y_channel: bool = False,
        name: str = "fr_psnr",
        dtype: str | None = None,
    ) -> None:
        super().__init__(data_range, detector, y_channel, name, dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class FRSSIM(_FaceRegionMetric):
    """FR-SSIM over a test set: mean of per-image face-region SSIMs and the skip counts.

    See :func:`fr_ssim` and :class:`FRPSNR`; boxes smaller than 11x11 count as
    ``skipped_too_small``.

    Args:
        data_range: the images' maximum value (1.0 or 255).
        detector: a :class:`~faceloss.detect.FaceDetector`; ``None`` for
            :func:`~faceloss.detect.default_detector` (dlib HOG, the paper's).
        y_channel: SSIM on the BT.601 luma.
        padding: ``"valid"`` (default) or ``"same"``.
        name: the metric name.
        dtype: the dtype of the computation (Keras' default float type if ``None``).

    Example:
        >>> import tensorflow as tf
        >>> from faceloss.detect import ExplicitBoxes
        >>> metric = FRSSIM(detector=ExplicitBoxes((0, 0, 16, 16)))
        >>> target = tf.random.stateless_uniform((2, 32, 32, 3), seed=(0, 0))
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
        detector: FaceDetector | dict | None = None,
        y_channel: bool = False,
        padding: str = "valid",
        name: str = "fr_ssim",
        dtype: str | None = None,
    ) -> None:
        check_choice("padding", padding, SSIM_PADDINGS)
        super().__init__(data_range, detector, y_channel, name, dtype)
        self.padding = padding

    def _options(self) -> dict[str, object]:
        return {"y_channel": self.y_channel, "padding": self.padding}
