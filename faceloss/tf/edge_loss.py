"""The multi-scale edge loss: edge-block outputs against Canny targets (paper eq. 3)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf

from faceloss.spec import REDUCTIONS
from faceloss.tf._checks import (
    check_choice,
    check_finite,
    check_image,
    check_same_batch,
    check_same_length,
    check_same_shape,
    check_scale_weights,
    check_sequence,
)
from faceloss.tf._loss import Loss
from faceloss.tf._precision import at_least_float32


def edge_loss(
    edges: Sequence[tf.Tensor],
    targets: Sequence[tf.Tensor],
    weights: Sequence[float] | None = None,
    reduction: str = "mean",
) -> tf.Tensor:
    r"""Edge loss (eq. 3): per-scale mean squared error to the Canny targets, summed over scales.

    .. math::
        L_e = \sum_{k} w_k \frac{1}{N H_k W_k} \sum_{n, x, y}
              \left(E_k(I_{LR})_{n,x,y} - C_k(I_{HR})_{n,x,y}\right)^2

    Scale :math:`k` is the k-th edge block (output size :math:`H_k \times W_k`, i.e.
    :math:`rw \times rh` in eq. 3) and its Canny target. The weights :math:`w_k`
    default to 1 (the paper's plain sum); the loss weight :math:`\gamma` of eq. 11 is
    the caller's.

    Args:
        edges: edge-block outputs, a list/tuple with one tensor :math:`(N, H_k, W_k, 1)`
            per scale, floats.
        targets: the Canny edge targets, same length, each of its edge's shape (values
            usually in {0, 1}), matched with ``edges`` by position; cast to the edge's dtype.
        weights: ``None`` (all 1) or one finite, non-negative weight per scale.
        reduction: ``"mean"`` (the formula above: a scalar), ``"sum"`` (the same with
            sums instead of means over :math:`N, H_k, W_k`) or ``"none"`` (per sample,
            shape :math:`(N,)`: each image's weighted sum over the scales of its mean
            squared error; their mean is the ``"mean"`` value).

    Returns:
        A tensor of shape ``()`` for "mean"/"sum", :math:`(N,)` for "none".

    Raises:
        TypeError: ``edges``/``targets`` is not a list or tuple (e.g. a single tensor),
            holds a non-float tensor, or a weight is not a real number.
        ValueError: empty sequences, different numbers of edges, targets or weights, an
            edge and its target differ in shape, not 1 channel, scales with different
            batch sizes, a negative or non-finite weight, an unknown ``reduction``, or
            NaN/Inf in an input (while value checks are on, eagerly).

    Example:
        >>> import tensorflow as tf
        >>> edges = [tf.fill((2, 4, 4, 1), 0.5), tf.zeros((2, 8, 8, 1))]
        >>> targets = [tf.ones((2, 4, 4, 1)), tf.ones((2, 8, 8, 1))]
        >>> float(edge_loss(edges, targets))  # 0.25 + 1.0
        1.25
        >>> float(edge_loss(edges, targets, weights=[2.0, 0.5]))
        1.0
        >>> edge_loss(edges, targets, reduction="none").shape
        TensorShape([2])
    """
    edges = check_sequence(edges, "edges")
    targets = check_sequence(targets, "targets")
    check_same_length("edges", len(edges), "targets", len(targets))
    weights = check_scale_weights(weights, len(edges))
    check_choice("reduction", reduction, REDUCTIONS)
    edges = tuple(check_image(e, f"edges[{k}]", channels=1) for k, e in enumerate(edges))
    targets = tuple(check_image(t, f"targets[{k}]", channels=1) for k, t in enumerate(targets))
    for k, (edge, target) in enumerate(zip(edges, targets, strict=True)):
        check_same_shape(edge, f"edges[{k}]", target, f"targets[{k}]")
        check_same_batch("edges[0]", edges[0].shape[0], f"edges[{k}]", edge.shape[0])
        check_finite(edge, f"edges[{k}]")
        check_finite(target, f"targets[{k}]")
    cast, dtype = at_least_float32(*edges, *targets)
    edges, targets = cast[: len(edges)], cast[len(edges) :]
    total = None
    for k, (edge, target) in enumerate(zip(edges, targets, strict=True)):
        squared = tf.square(edge - target)
        if reduction == "sum":
            value = tf.reduce_sum(squared)
        elif reduction == "mean":
            value = tf.reduce_mean(squared)
        else:
            value = tf.reduce_mean(squared, axis=[1, 2, 3])
        if weights is not None:
            value = tf.constant(weights[k], dtype=value.dtype) * value
        total = value if total is None else total + value
    return tf.cast(total, dtype)


@keras.saving.register_keras_serializable(package="faceloss")
class EdgeLoss(Loss):
    r"""Multi-scale edge loss (eq. 3) as a Keras loss; see :func:`edge_loss`.

    How it fits Keras: one ``keras.losses.Loss`` that takes *all* scales at once.
    ``call(y_true, y_pred)`` follows Keras' argument order and forwards by keyword to
    ``edge_loss(edges=y_pred, targets=y_true, reduction="none")``: ``y_pred`` and
    ``y_true`` are lists/tuples of per-scale tensors (Keras' ``Loss.__call__`` converts
    nested structures), and the per-sample values :math:`(N,)` go through Keras'
    ``reduction`` and ``sample_weight``; the default ``"sum_over_batch_size"`` gives the
    torch loss' ``"mean"``. Use it in a custom ``train_step`` (as the reference model's
    Keras path does) with the model's edge outputs. In ``compile(loss={...})`` Keras
    hands each output its own tensor: a single tensor pair is taken as one scale, so
    ``EdgeLoss()`` per edge output with ``loss_weights`` works too.

    Args:
        weights: ``None`` (every scale weighs 1, the paper's sum) or one finite,
            non-negative weight per scale; fixes the number of scales.
        reduction: a Keras reduction: ``"sum_over_batch_size"`` (default), ``"sum"``,
            ``"mean"``, ``"mean_with_sample_weight"`` or ``None`` (per-sample values).
        name: the loss name.
        dtype: the dtype of the computation (Keras' default float type if ``None``).

    Shape:
        - y_true: sequence of :math:`(N, H_k, W_k, 1)` Canny targets (or one tensor).
        - y_pred: sequence of the same shapes (edge-block outputs), or one tensor.
        - output: scalar, or :math:`(N,)` for ``reduction=None``.

    Example:
        >>> import keras
        >>> import tensorflow as tf
        >>> loss = EdgeLoss(weights=[1.0, 0.5])
        >>> targets = [tf.ones((2, 4, 4, 1)), tf.ones((2, 8, 8, 1))]
        >>> edges = [tf.fill((2, 4, 4, 1), 0.5), tf.zeros((2, 8, 8, 1))]
        >>> float(loss(targets, edges))  # 0.25 + 0.5 * 1.0
        0.75
        >>> keras.losses.deserialize(keras.losses.serialize(loss)).weights
        (1.0, 0.5)
    """

    def __init__(
        self,
        weights: Sequence[float] | None = None,
        reduction: str | None = "sum_over_batch_size",
        name: str = "edge_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.weights = check_scale_weights(weights)

    def call(
        self, y_true: Sequence[tf.Tensor] | tf.Tensor, y_pred: Sequence[tf.Tensor] | tf.Tensor
    ) -> tf.Tensor:
        if tf.is_tensor(y_true) and tf.is_tensor(y_pred):
            y_true, y_pred = [y_true], [y_pred]
        return edge_loss(edges=y_pred, targets=y_true, weights=self.weights, reduction="none")

    def get_config(self) -> dict:
        weights = None if self.weights is None else list(self.weights)
        return {**super().get_config(), "weights": weights}
