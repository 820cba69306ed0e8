"""The accumulating-metric base for Keras: a float64 sum and an int64 count as metric variables.

Same state names, methods and extension point as :class:`faceloss.reference.MeanMetric`
and the torch base :class:`faceloss.torch.MeanMetric`.
"""

from __future__ import annotations

import abc

import keras
import tensorflow as tf

from faceloss.tf._checks import check_keras_argument


class MeanMetric(keras.metrics.Metric, metaclass=abc.ABCMeta):
    """Mean of a per-image metric over every image passed to ``update``.

    A ``keras.metrics.Metric``.

    The state is exact up to float64 rounding and independent of how the test set
    is split into batches: ``total`` (float64 sum of the per-image values) and
    ``count`` (int64 number of images), non-trainable metric variables.
    ``result()`` returns ``total / count`` as a float64 scalar (NaN before any
    update). Works eagerly and inside ``model.compile(metrics=[...])``/``tf.function``
    (value checks then skip, as everywhere in faceloss.tf).

    Keras calls ``update_state(y_true, y_pred)``; :meth:`update` (``prediction,
    target`` order), :meth:`compute` and :meth:`reset` are aliases of
    ``update_state``, ``result`` and ``reset_state`` so the Keras, torch and NumPy
    objects share one interface. ``sample_weight`` is refused: every image
    counts once.

    Extension point: a subclass implements :meth:`_per_image` (one value per
    image, shape ``(N,)``, from keyword arguments ``prediction`` and ``target``).
    To keep more counts (e.g. the face-region metrics' ``"evaluated"``/
    ``"skipped"``), call :meth:`add_state` in ``__init__`` after
    ``super().__init__()``, override :meth:`update_state` to add to them and call
    :meth:`_accumulate` with the values that enter the mean; ``reset_state`` and
    :attr:`state` cover every added state. The same names exist in the NumPy and
    torch bases.

    Args:
        name: the metric name (in Keras logs).
        dtype: floating inputs are cast to it before computing (Keras' float type,
            float32 by default, if ``None``); the states stay float64/int64.

    Example:
        >>> import tensorflow as tf
        >>> from faceloss.tf import PSNR
        >>> metric = PSNR()
        >>> metric.update(tf.fill((2, 8, 8, 3), 0.5), tf.fill((2, 8, 8, 3), 0.4))
        >>> round(float(metric.compute()), 4)
        20.0
        >>> sorted(metric.state), int(metric.count)
        (['count', 'total'], 2)
    """

    def __init__(self, name: str, dtype: str | None = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._state_names: list[str] = []
        self.add_state("total", "float64")
        self.add_state("count", "int64")

    def add_state(self, name: str, dtype: str) -> None:
        """Add a scalar state variable ``name`` of ``dtype``, zero after ``reset_state``."""
        variable = self.add_variable(shape=(), initializer="zeros", dtype=dtype, name=name)
        setattr(self, name, variable)
        self._state_names.append(name)

    @abc.abstractmethod
    def _per_image(self, prediction: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
        """The metric of each image pair, shape ``(N,)``."""

    def _accumulate(self, values: tf.Tensor) -> None:
        values = tf.cast(values, tf.float64)
        self.total.assign_add(tf.reduce_sum(values))
        self.count.assign_add(tf.cast(tf.size(values), tf.int64))

    def update_state(
        self, y_true: tf.Tensor, y_pred: tf.Tensor, sample_weight: tf.Tensor | None = None
    ) -> None:
        """Add a batch (Keras order: reference ``y_true``, prediction ``y_pred``; NHWC)."""
        if sample_weight is not None:
            raise ValueError(
                f"{type(self).__name__} does not take sample_weight: every image counts once "
                "in the mean of per-image values"
            )
        prediction = self._cast(check_keras_argument(y_pred, "prediction (y_pred)"))
        target = self._cast(check_keras_argument(y_true, "target (y_true)"))
        self._accumulate(self._per_image(prediction=prediction, target=target))

    def _cast(self, images: tf.Tensor) -> tf.Tensor:
        """Floating inputs in the metric's dtype (Keras' convention); others unchanged, so
        the input checks still refuse integer images."""
        images = images if tf.is_tensor(images) else tf.convert_to_tensor(images)
        return tf.cast(images, self.dtype) if images.dtype.is_floating else images

    def result(self) -> tf.Tensor:
        """The mean of the per-image values seen so far (float64 scalar; NaN if none)."""
        return self.total / tf.cast(self.count, tf.float64)

    def reset_state(self) -> None:
        """Zero every state."""
        for name in self._state_names:
            variable = getattr(self, name)
            variable.assign(tf.zeros((), dtype=variable.dtype))

    def update(self, prediction: tf.Tensor, target: tf.Tensor) -> None:
        """Add a batch in faceloss' ``(prediction, target)`` order (alias of ``update_state``)."""
        self.update_state(target, prediction)

    def compute(self) -> tf.Tensor:
        """Alias of ``result``."""
        return self.result()

    def reset(self) -> None:
        """Alias of ``reset_state``."""
        self.reset_state()

    @property
    def state(self) -> dict[str, tf.Variable]:
        """The state variables by name."""
        return {name: getattr(self, name) for name in self._state_names}
