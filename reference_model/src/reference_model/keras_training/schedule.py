"""The learning rate of a training step: constant, or cosine from ``optim.lr`` to 0."""

from __future__ import annotations

import math
from typing import Any

import keras
import tensorflow as tf

SCHEDULES = ("constant", "cosine")
"""Values of the ``optim.schedule`` configuration key."""


@keras.saving.register_keras_serializable(package="reference_model")
class StepSchedule(keras.optimizers.schedules.LearningRateSchedule):
    r"""``optim.schedule`` as a Keras schedule of the training step, like the torch trainer's.

    At training step :math:`s` (0-based) the rate is ``lr`` (``"constant"``) or
    :math:`\mathrm{lr} \cdot \tfrac12 (1 + \cos(\pi \min(s / S, 1)))` (``"cosine"``, S =
    ``total_steps``). A Keras optimizer calls it with its own ``iterations`` (the updates
    it has made); ``offset`` maps those to training steps: 0 for the generator, which
    steps from the start, and ``loss.gan_start`` for the discriminator, which starts then.

    Args:
        lr: the base learning rate, > 0.
        total_steps: ``train.steps``, >= 1.
        schedule: ``"constant"`` or ``"cosine"``.
        offset: the training step of the optimizer's first update, >= 0.

    Raises:
        ValueError: an unknown ``schedule`` or an out-of-range argument (named).

    Example:
        >>> schedule = StepSchedule(1e-3, total_steps=100, schedule="cosine")
        >>> [round(float(schedule(s)), 6) for s in (0, 50, 100, 200)]
        [0.001, 0.0005, 0.0, 0.0]
        >>> round(float(StepSchedule(1e-3, 100, "cosine", offset=50)(0)), 6)
        0.0005
    """

    def __init__(
        self, lr: float, total_steps: int, schedule: str = "constant", offset: int = 0
    ) -> None:
        if schedule not in SCHEDULES:
            raise ValueError(f"optim.schedule must be one of {SCHEDULES}, got {schedule!r}")
        if not (isinstance(lr, (int, float)) and 0 < lr < math.inf):
            raise ValueError(f"optim.lr must be a finite number > 0, got {lr!r}")
        if int(total_steps) < 1:
            raise ValueError(f"total_steps must be >= 1, got {total_steps!r}")
        if int(offset) < 0:
            raise ValueError(f"offset must be >= 0, got {offset!r}")
        self.lr = float(lr)
        self.total_steps = int(total_steps)
        self.schedule = schedule
        self.offset = int(offset)

    def __call__(self, step: Any) -> tf.Tensor:
        lr = tf.constant(self.lr, tf.float32)
        if self.schedule == "constant":
            return lr
        s = tf.cast(step, tf.float32) + float(self.offset)
        progress = tf.minimum(s / float(self.total_steps), 1.0)
        return lr * 0.5 * (1.0 + tf.cos(math.pi * progress))

    def get_config(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "total_steps": self.total_steps,
            "schedule": self.schedule,
            "offset": self.offset,
        }
