"""True acceptance rate of SR/HR embedding pairs (paper section 4.4.2, eq. 12)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf

from faceloss._face_region import check_thresholds
from faceloss.spec import TAR_DISTANCES
from faceloss.tf._checks import check_choice, check_embeddings, check_finite
from faceloss.tf._precision import at_least_float32


def _accepted(
    embeddings_sr: object, embeddings_hr: object, thresholds: object, distance: str
) -> tuple[tf.Tensor, tf.Tensor, tf.DType]:
    """(accepted pairs per threshold, number of pairs, both int64; the float dtype)."""
    embeddings_sr, embeddings_hr = check_embeddings(
        embeddings_sr, "embeddings_sr", embeddings_hr, "embeddings_hr"
    )
    limits = check_thresholds(thresholds)
    check_choice("distance", distance, TAR_DISTANCES)
    check_finite(embeddings_sr, "embeddings_sr")
    check_finite(embeddings_hr, "embeddings_hr")
    (embeddings_sr, embeddings_hr), dtype = at_least_float32(embeddings_sr, embeddings_hr)
    squared = tf.reduce_sum(tf.square(embeddings_sr - embeddings_hr), axis=1)
    d = tf.sqrt(squared) if distance == "euclidean" else squared
    limits_t = tf.constant(limits, dtype=d.dtype)
    accepted = tf.reduce_sum(tf.cast(d[None, :] <= limits_t[:, None], tf.int64), axis=1)
    return accepted, tf.shape(d, out_type=tf.int64)[0], dtype


def tar(
    embeddings_sr: tf.Tensor,
    embeddings_hr: tf.Tensor,
    thresholds: Sequence[float],
    distance: str = "euclidean",
) -> tf.Tensor:
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
        Percentages in [0, 100], shape :math:`(T,)`, one per threshold, in the dtype of
        ``embeddings_sr``.

    Raises:
        TypeError: an embedding batch is not a floating-point tensor, or ``thresholds`` is a
            scalar or not a sequence.
        ValueError: embeddings not 2-D, empty or of different shapes; a threshold negative
            or not finite; an unknown ``distance``; NaN/Inf in an embedding (while value
            checks are on).

    Example:
        >>> import tensorflow as tf
        >>> hr = tf.zeros((4, 2))
        >>> sr = tf.constant([[0.3, 0.4], [0.0, 0.55], [0.6, 0.0], [1.0, 1.0]])
        >>> tar(sr, hr, [0.5, 0.6]).numpy().tolist()
        [25.0, 75.0]
        >>> tar(sr, hr, [0.31], distance="squared_l2").numpy().tolist()  # .25 .3025 .36 2
        [50.0]
    """
    accepted, total, dtype = _accepted(embeddings_sr, embeddings_hr, thresholds, distance)
    compute = tf.float64 if dtype == tf.float64 else tf.float32
    scale = tf.constant(100.0, compute) / tf.cast(total, compute)
    return tf.cast(tf.cast(accepted, compute) * scale, dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class TAR(keras.metrics.Metric):
    """True acceptance rate over a test set (eq. 12), accumulated batch by batch.

    A ``keras.metrics.Metric``.

    The state is ``accepted`` (int64 count of accepted pairs per threshold, shape
    :math:`(T,)`) and ``count`` (int64 number of pairs), so the result is exact and
    independent of how the test set is split into batches. See :func:`tar`. Keras calls
    ``update_state(y_true, y_pred)`` with ``y_true`` the HR embeddings; :meth:`update`
    (``embeddings_sr, embeddings_hr`` order), :meth:`compute` and :meth:`reset` are the
    aliases shared with the torch and NumPy objects. Works eagerly and in ``tf.function``.

    Args:
        thresholds: distance thresholds, a non-empty sequence of finite numbers >= 0.
        distance: ``"euclidean"`` or ``"squared_l2"``.
        name: the metric name.
        dtype: the dtype of the computation (Keras' default float type if ``None``).

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> metric = TAR([0.5, 0.6])
        >>> metric.update(tf.constant([[0.3, 0.4], [0.0, 0.55]]), tf.zeros((2, 2)))
        >>> metric.update(tf.constant([[0.6, 0.0], [1.0, 1.0]]), tf.zeros((2, 2)))
        >>> metric.compute().numpy().tolist()
        [25.0, 75.0]
        >>> keras.metrics.deserialize(keras.metrics.serialize(metric)).thresholds
        (0.5, 0.6)
    """

    def __init__(
        self,
        thresholds: Sequence[float],
        distance: str = "euclidean",
        name: str = "tar",
        dtype: str | None = None,
    ) -> None:
        thresholds = check_thresholds(thresholds)
        check_choice("distance", distance, TAR_DISTANCES)
        super().__init__(name=name, dtype=dtype)
        self.thresholds = thresholds
        self.distance = distance
        self.accepted = self.add_variable(
            shape=(len(thresholds),), initializer="zeros", dtype="int64", name="accepted"
        )
        self.count = self.add_variable(shape=(), initializer="zeros", dtype="int64", name="count")

    def update_state(
        self, y_true: tf.Tensor, y_pred: tf.Tensor, sample_weight: tf.Tensor | None = None
    ) -> None:
        """Add a batch of pairs (Keras order: ``y_true`` = HR embeddings, each :math:`(N, D)`)."""
        if sample_weight is not None:
            raise ValueError("TAR does not take sample_weight: every pair counts once")
        accepted, total, _ = _accepted(y_pred, y_true, self.thresholds, self.distance)
        self.accepted.assign_add(accepted)
        self.count.assign_add(total)

    def result(self) -> tf.Tensor:
        """Percent accepted per threshold, float64 :math:`(T,)`; NaN before any update."""
        return tf.cast(self.accepted, tf.float64) * 100.0 / tf.cast(self.count, tf.float64)

    def reset_state(self) -> None:
        """Zero the counts."""
        self.accepted.assign(tf.zeros_like(self.accepted))
        self.count.assign(tf.zeros_like(self.count))

    def update(self, embeddings_sr: tf.Tensor, embeddings_hr: tf.Tensor) -> None:
        """Add a batch in faceloss' ``(embeddings_sr, embeddings_hr)`` order."""
        self.update_state(embeddings_hr, embeddings_sr)

    def compute(self) -> tf.Tensor:
        """Alias of ``result``."""
        return self.result()

    def reset(self) -> None:
        """Alias of ``reset_state``."""
        self.reset_state()

    @property
    def state(self) -> dict[str, tf.Variable]:
        """The state variables by name."""
        return {"accepted": self.accepted, "count": self.count}

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "thresholds": list(self.thresholds),
            "distance": self.distance,
        }
