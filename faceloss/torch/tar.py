"""True acceptance rate of SR/HR embedding pairs (paper section 4.4.2, eq. 12)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from faceloss._face_region import check_thresholds
from faceloss.spec import TAR_DISTANCES
from faceloss.torch._checks import check_choice, check_embeddings, check_finite
from faceloss.torch._constant import constant
from faceloss.torch._precision import at_least_float32


def _accepted(
    embeddings_sr: object, embeddings_hr: object, thresholds: object, distance: str
) -> tuple[torch.Tensor, int, torch.dtype]:
    """(accepted pairs per threshold as an int64 tensor, number of pairs, the result's float
    dtype) after all checks; distances in at least float32."""
    embeddings_sr, embeddings_hr = check_embeddings(
        embeddings_sr, "embeddings_sr", embeddings_hr, "embeddings_hr"
    )
    limits = check_thresholds(thresholds)
    check_choice("distance", distance, TAR_DISTANCES)
    check_finite(embeddings_sr, "embeddings_sr")
    check_finite(embeddings_hr, "embeddings_hr")
    (embeddings_sr, embeddings_hr), dtype = at_least_float32(embeddings_sr, embeddings_hr)
    squared = (embeddings_sr - embeddings_hr).square().sum(dim=1)
    d = squared.sqrt() if distance == "euclidean" else squared
    limits_t = constant(limits, d)
    return (d[None, :] <= limits_t[:, None]).sum(dim=1), d.shape[0], dtype


def tar(
    embeddings_sr: torch.Tensor,
    embeddings_hr: torch.Tensor,
    thresholds: Sequence[float],
    distance: str = "euclidean",
) -> torch.Tensor:
    r"""True acceptance rate (eq. 12): percent of SR/HR pairs within each distance threshold.

    .. math::
        TAR(d) = \frac{N_{TA}}{N_{ALL}} \times 100, \quad
        N_{TA} = \#\{i : \operatorname{dist}(e^{SR}_i, e^{HR}_i) \le d\}

    Row ``i`` of ``embeddings_sr`` is compared with row ``i`` of ``embeddings_hr`` (the SR
    image and its ground truth). A pair is accepted when its distance is at most the
    threshold (``<=``, as ``face_recognition.compare_faces(..., tolerance=d)``). The paper
    uses ``"euclidean"`` with the face recognition algorithm (dlib's 128-D descriptors,
    d = 0.5, 0.6) and ``"squared_l2"`` with the network (FaceNet, d = 0.02, 0.04; Table 7).
    Embeddings are used as given (normalise them first if your thresholds assume it).
    Not differentiable (a count).

    Args:
        embeddings_sr: embeddings of the super-resolved faces, :math:`(N, D)` floats.
        embeddings_hr: embeddings of their ground-truth faces, :math:`(N, D)`.
        thresholds: distance thresholds, a non-empty sequence of finite numbers >= 0.
        distance: ``"euclidean"`` (:math:`\lVert a - b \rVert_2`) or ``"squared_l2"``
            (:math:`\lVert a - b \rVert_2^2`).

    Returns:
        Percentages in [0, 100], shape :math:`(T,)`, one per threshold, in the dtype and on
        the device of ``embeddings_sr``.

    Raises:
        TypeError: an embedding batch is not a floating-point tensor, or ``thresholds`` is a
            scalar or not a sequence.
        ValueError: embeddings not 2-D, empty or of different shapes; a threshold negative
            or not finite; an unknown ``distance``; NaN/Inf in an embedding (while value
            checks are on).

    Example:
        >>> import torch
        >>> hr = torch.zeros(4, 2)
        >>> sr = torch.tensor([[0.3, 0.4], [0.0, 0.55], [0.6, 0.0], [1.0, 1.0]])
        >>> tar(sr, hr, [0.5, 0.6]).tolist()
        [25.0, 75.0]
        >>> tar(sr, hr, [0.31], distance="squared_l2").tolist()  # squared: .25 .3025 .36 2
        [50.0]
    """
    accepted, total, dtype = _accepted(embeddings_sr, embeddings_hr, thresholds, distance)
    return (accepted.to(torch.promote_types(dtype, torch.float32)) * (100.0 / total)).to(dtype)


class TAR(nn.Module):
    """True acceptance rate over a test set (eq. 12), accumulated batch by batch.

    The state is ``accepted`` (int64 count of accepted pairs per threshold, shape
    :math:`(T,)`) and ``count`` (int64 number of pairs), non-persistent buffers that follow
    the inputs' device, so the result is exact and independent of how the test set is
    split into batches. See :func:`tar`.

    Args:
        thresholds: distance thresholds, a non-empty sequence of finite numbers >= 0.
        distance: ``"euclidean"`` or ``"squared_l2"``.

    Example:
        >>> import torch
        >>> metric = TAR([0.5, 0.6])
        >>> metric.update(torch.tensor([[0.3, 0.4], [0.0, 0.55]]), torch.zeros(2, 2))
        >>> metric.update(torch.tensor([[0.6, 0.0], [1.0, 1.0]]), torch.zeros(2, 2))
        >>> metric.compute().tolist()
        [25.0, 75.0]
        >>> {name: value.tolist() for name, value in metric.state.items()}
        {'accepted': [1, 3], 'count': 4}
    """

    def __init__(self, thresholds: Sequence[float], distance: str = "euclidean") -> None:
        super().__init__()
        self.thresholds = check_thresholds(thresholds)
        check_choice("distance", distance, TAR_DISTANCES)
        self.distance = distance
        self.register_buffer(
            "accepted", torch.zeros(len(self.thresholds), dtype=torch.int64), persistent=False
        )
        self.register_buffer("count", torch.zeros((), dtype=torch.int64), persistent=False)

    def update(self, embeddings_sr: torch.Tensor, embeddings_hr: torch.Tensor) -> None:
        """Add a batch of pairs, each :math:`(N, D)`."""
        accepted, total, _ = _accepted(embeddings_sr, embeddings_hr, self.thresholds, self.distance)
        if self.accepted.device != accepted.device:
            self.accepted = self.accepted.to(accepted.device)
            self.count = self.count.to(accepted.device)
        self.accepted += accepted
        self.count += total

    def forward(self, embeddings_sr: torch.Tensor, embeddings_hr: torch.Tensor) -> torch.Tensor:
        """Add a batch and return its TAR per threshold."""
        self.update(embeddings_sr, embeddings_hr)
        return tar(embeddings_sr, embeddings_hr, self.thresholds, self.distance)

    def compute(self) -> torch.Tensor:
        """Percent accepted per threshold, float64 :math:`(T,)`; NaN before any update."""
        return self.accepted.to(torch.float64) * 100.0 / self.count.to(torch.float64)

    def reset(self) -> None:
        """Zero the counts."""
        self.accepted.zero_()
        self.count.zero_()

    @property
    def state(self) -> dict[str, torch.Tensor]:
        """The state tensors by name."""
        return {"accepted": self.accepted, "count": self.count}

    def extra_repr(self) -> str:
        return f"thresholds={list(self.thresholds)}, distance={self.distance!r}"
