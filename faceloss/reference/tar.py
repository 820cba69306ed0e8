"""True acceptance rate of SR/HR embedding pairs (paper section 4.4.2, eq. 12)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from faceloss._face_region import check_thresholds
from faceloss.reference._checks import check_choice, check_embeddings, check_finite
from faceloss.spec import TAR_DISTANCES


def _distances(embeddings_sr: np.ndarray, embeddings_hr: np.ndarray, distance: str) -> np.ndarray:
    squared = np.sum((embeddings_sr.astype(np.float64) - embeddings_hr) ** 2, axis=1)
    return np.sqrt(squared) if distance == "euclidean" else squared


def _accepted(
    embeddings_sr: object, embeddings_hr: object, thresholds: object, distance: str
) -> tuple[np.ndarray, int]:
    """(accepted pairs per threshold, number of pairs) after all checks."""
    embeddings_sr, embeddings_hr = check_embeddings(
        embeddings_sr, "embeddings_sr", embeddings_hr, "embeddings_hr"
    )
    limits = np.asarray(check_thresholds(thresholds))
    check_choice("distance", distance, TAR_DISTANCES)
    check_finite(embeddings_sr, "embeddings_sr")
    check_finite(embeddings_hr, "embeddings_hr")
    d = _distances(embeddings_sr, embeddings_hr.astype(np.float64), distance)
    return np.sum(d[None, :] <= limits[:, None], axis=1), d.shape[0]


def tar(
    embeddings_sr: np.ndarray,
    embeddings_hr: np.ndarray,
    thresholds: Sequence[float],
    distance: str = "euclidean",
) -> np.ndarray:
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

    Args:
        embeddings_sr: embeddings of the super-resolved faces, :math:`(N, D)` floats.
        embeddings_hr: embeddings of their ground-truth faces, :math:`(N, D)`.
        thresholds: distance thresholds, a non-empty sequence of finite numbers >= 0.
        distance: ``"euclidean"`` (:math:`\lVert a - b \rVert_2`) or ``"squared_l2"``
            (:math:`\lVert a - b \rVert_2^2`).

    Returns:
        Percentages in [0, 100], float64, shape :math:`(T,)`, one per threshold.

    Raises:
        TypeError: an embedding batch is not a floating-point array, or ``thresholds`` is a
            scalar or not a sequence.
        ValueError: embeddings not 2-D, empty or of different shapes; a threshold negative
            or not finite; an unknown ``distance``; NaN/Inf in an embedding (while value
            checks are on).

    Example:
        >>> import numpy as np
        >>> hr = np.zeros((4, 2))
        >>> sr = np.array([[0.3, 0.4], [0.0, 0.55], [0.6, 0.0], [1.0, 1.0]])  # distances .5 .55 .6 1.41
        >>> tar(sr, hr, [0.5, 0.6]).tolist()
        [25.0, 75.0]
        >>> tar(sr, hr, [0.31], distance="squared_l2").tolist()  # squared: .25 .3025 .36 2
        [50.0]
    """
    accepted, total = _accepted(embeddings_sr, embeddings_hr, thresholds, distance)
    return 100.0 * accepted / total


class TAR:
    """True acceptance rate over a test set (eq. 12), accumulated batch by batch.

    The state is ``accepted`` (int64 count of accepted pairs per threshold, shape
    :math:`(T,)`) and ``count`` (int64 number of pairs), so the result is exact and
    independent of how the test set is split into batches. See :func:`tar`.

    Args:
        thresholds: distance thresholds, a non-empty sequence of finite numbers >= 0.
        distance: ``"euclidean"`` or ``"squared_l2"``.

    Example:
        >>> import numpy as np
        >>> metric = TAR([0.5, 0.6])
        >>> metric.update(np.array([[0.3, 0.4], [0.0, 0.55]]), np.zeros((2, 2)))
        >>> metric.update(np.array([[0.6, 0.0], [1.0, 1.0]]), np.zeros((2, 2)))
        >>> metric.compute().tolist()
        [25.0, 75.0]
        >>> metric.state
        {'accepted': [1, 3], 'count': 4}
    """

    def __init__(self, thresholds: Sequence[float], distance: str = "euclidean") -> None:
        self.thresholds = check_thresholds(thresholds)
        check_choice("distance", distance, TAR_DISTANCES)
        self.distance = distance
        self.reset()

    def update(self, embeddings_sr: np.ndarray, embeddings_hr: np.ndarray) -> None:
        """Add a batch of pairs, each :math:`(N, D)`."""
        accepted, total = _accepted(embeddings_sr, embeddings_hr, self.thresholds, self.distance)
        self.accepted = self.accepted + accepted.astype(np.int64)
        self.count = np.int64(self.count + total)

    def compute(self) -> np.ndarray:
        """Percent accepted per threshold, float64 :math:`(T,)`; NaN before any update."""
        if self.count == 0:
            return np.full(len(self.thresholds), np.nan)
        return 100.0 * self.accepted / self.count

    def reset(self) -> None:
        """Zero the counts."""
        self.accepted = np.zeros(len(self.thresholds), dtype=np.int64)
        self.count = np.int64(0)

    @property
    def state(self) -> dict[str, object]:
        """The states by name, as Python numbers (``accepted`` as a list)."""
        return {"accepted": self.accepted.tolist(), "count": int(self.count)}

    def __repr__(self) -> str:
        return f"TAR(thresholds={list(self.thresholds)}, distance={self.distance!r})"
