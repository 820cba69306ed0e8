"""The paper's metrics for one method, accumulated over a test set with faceloss.torch."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from faceloss.detect import Box, FaceDetector
from faceloss.torch import FRPSNR, FRSSIM, PSNR, SSIM, TAR, VIF

from .identity import TAR_DISTANCE, TAR_THRESHOLDS

__all__ = ["METRIC_COLUMNS", "MethodMetrics", "tar_key"]

METRIC_COLUMNS: tuple[str, ...] = ("psnr", "fr_psnr", "ssim", "fr_ssim", "vif")
"""Table 6's columns, in its order."""


def tar_key(threshold: float) -> str:
    """The report key of TAR at one threshold.

    Example:
        >>> tar_key(0.6)
        'tar@0.6'
    """
    return f"tar@{threshold:g}"


def _number(value: float) -> float | str | None:
    """A JSON-safe number: NaN (nothing evaluated) becomes ``None``, infinity ``"inf"``.

    PSNR is infinite for an image equal to its ground truth (faceloss adds no epsilon), so
    a mean over a set holding one is ``"inf"``.

    Example:
        >>> _number(float("nan")), _number(float("inf")), _number(24.5)
        (None, 'inf', 24.5)
    """
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float(value)


class MethodMetrics:
    """PSNR, FR-PSNR, SSIM, FR-SSIM, VIF and TAR of one method (the model or bicubic).

    faceloss's accumulating metrics (:class:`faceloss.torch.PSNR`, ``SSIM``, ``VIF``,
    ``FRPSNR``, ``FRSSIM``, ``TAR``) with their defaults: RGB, data range 1, SSIM with
    the 11x11 Gaussian window and "valid" borders (as scikit-image), pixel-domain VIF on
    RGB. Each value is the mean of per-image values; FR metrics use the boxes found once
    on the HR images (the same boxes for every method), and count the skipped images.

    Args:
        detector: the detector the FR metrics fall back to when ``boxes`` are not given.
        thresholds: TAR's distance thresholds (default Table 7's 0.5, 0.6).
        distance: TAR's distance (``"euclidean"``).

    Example:
        >>> from faceloss.detect import ExplicitBoxes
        >>> metrics = MethodMetrics(ExplicitBoxes((0, 0, 64, 64)))
        >>> hr = torch.rand(2, 3, 64, 64, dtype=torch.float64)
        >>> metrics.update((hr + 0.1).clamp(0, 1), hr, boxes=[(0, 0, 64, 64), None])
        >>> result = metrics.result()
        >>> result["psnr"] > 20, result["fr_evaluated"], result["fr_skipped_no_face"]
        (True, 1, 1)
    """

    def __init__(
        self,
        detector: FaceDetector,
        thresholds: Sequence[float] = TAR_THRESHOLDS,
        distance: str = TAR_DISTANCE,
    ) -> None:
        self.psnr = PSNR()
        self.ssim = SSIM()
        self.vif = VIF()
        self.fr_psnr = FRPSNR(detector=detector)
        self.fr_ssim = FRSSIM(detector=detector)
        self.tar = TAR(thresholds, distance=distance)

    def update(
        self,
        sr: torch.Tensor,
        hr: torch.Tensor,
        boxes: Sequence[Box | None],
        embeddings_sr: torch.Tensor | None = None,
        embeddings_hr: torch.Tensor | None = None,
    ) -> None:
        """Add a batch.

        Args:
            sr: the method's images :math:`(N, 3, H, W)` in [0, 1].
            hr: the ground truth, same shape.
            boxes: one face box (or ``None``) per image, found on ``hr``.
            embeddings_sr: identity descriptors of ``sr`` :math:`(N, D)`, or ``None``
                (TAR not computed).
            embeddings_hr: those of ``hr``.
        """
        sr = sr.to(torch.float32)
        hr = hr.to(torch.float32)
        self.psnr.update(sr, hr)
        self.ssim.update(sr, hr)
        self.vif.update(sr, hr)
        self.fr_psnr.update(sr, hr, boxes=list(boxes))
        self.fr_ssim.update(sr, hr, boxes=list(boxes))
        if embeddings_sr is not None and embeddings_hr is not None:
            self.tar.update(embeddings_sr, embeddings_hr)

    def result(self) -> dict[str, Any]:
        """The means (``None`` where nothing was evaluated) and the FR counts, JSON-ready.

        Keys: ``psnr``, ``fr_psnr``, ``ssim``, ``fr_ssim``, ``vif`` (``"inf"`` for an
        infinite PSNR mean) and ``tar@<d>`` (percent; ``None`` without descriptors), ``images``, ``fr_evaluated``,
        ``fr_skipped_no_face``, ``fr_ssim_skipped_too_small``.
        """
        fr_psnr = self.fr_psnr.compute()
        fr_ssim = self.fr_ssim.compute()
        out: dict[str, Any] = {
            "psnr": _number(float(self.psnr.compute())),
            "fr_psnr": _number(fr_psnr.value),
            "ssim": _number(float(self.ssim.compute())),
            "fr_ssim": _number(fr_ssim.value),
            "vif": _number(float(self.vif.compute())),
        }
        counted = int(self.tar.count) > 0
        for threshold, value in zip(self.tar.thresholds, self.tar.compute().tolist(), strict=True):
            out[tar_key(threshold)] = float(value) if counted else None
        out["images"] = int(self.psnr.count)
        out["fr_evaluated"] = fr_psnr.evaluated
        out["fr_skipped_no_face"] = fr_psnr.skipped_no_face
        out["fr_ssim_skipped_too_small"] = fr_ssim.skipped_too_small
        return out
