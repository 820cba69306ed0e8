"""The Keras training model: generator + discriminator, one custom ``train_step``."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from reference_model.keras_training.objective import KerasGeneratorObjective, discriminator_loss


def _unscaled(value: tf.Tensor) -> tf.Tensor:
    """A loss divided by the replica count (Keras' reductions) back to the global mean."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return value * float(replicas) if replicas > 1 else value


class EIPNetGAN(keras.Model):
    r"""EIPNet's generator and (optionally) discriminator trained by ``model.fit``.

    Each ``train_step`` does what the torch trainer's step does: the generator maps the
    batch's ``lr`` faces to ``sr`` and three edge maps; in the GAN phase
    (:attr:`gan_active`) the discriminator first takes one step on eq. 10 (``hr`` real,
    ``sr`` fake, ``sr`` not back-propagated into the generator), then the generator takes
    one step on eq. 11 (:class:`~reference_model.keras_training.KerasGeneratorObjective`,
    the adversarial term with the updated discriminator). The Canny targets come from
    the batch (``"edges"``, made by data workers) or are computed on the device.

    ``fit`` logs, per step: ``loss`` (the generator's total), each weighted term
    (``rgb``, ``edge``, ``lc``, ``identity``, ``adversarial``), ``discriminator`` (GAN
    phase) and ``lr`` (the generator's learning rate of the step); under a
    ``tf.distribute`` strategy they are global-batch means.

    The generator's optimizer is Keras' ``model.optimizer``; the discriminator's is
    :attr:`d_optimizer`; :attr:`step` counts the training steps. All three, and both
    networks, are in ``save_weights`` / ``load_weights`` files (a checkpoint).

    Args:
        generator: a Keras EIPNet generator (:func:`reference_model.build_generator`).
        objective: the generator's loss.
        discriminator: a Keras EIPNet discriminator, or ``None`` (no GAN phase).
        ema_decay: decay of an exponential moving average of the generator's weights
            (``train.ema``, as BasicSR keeps one: after each step
            ``ema = decay * ema + (1 - decay) * weights``, starting from the initial
            weights); 0 keeps none. The averages are in :attr:`ema_weights` and in
            checkpoints; :meth:`ema_generator` builds a generator holding them.

    Shape:
        - batches: dicts with ``"lr"`` :math:`(N, 16, 16, 3)` and ``"hr"``
          :math:`(N, 128, 128, 3)` in [0, 1], optionally ``"edges"`` (three
          :math:`(N, s, s, 1)` maps), as :func:`reference_model.data.make_tf_dataset`
          yields them.
        - ``model(lr)``: the generator's ``(sr, edges)``.

    Example:
        >>> import keras, tensorflow as tf
        >>> from reference_model import build_generator
        >>> gan = EIPNetGAN(
        ...     build_generator("keras", channels=(8, 4, 4, 4)),
        ...     KerasGeneratorObjective({"rgb": 1.0, "edge": 0.03}),
        ... )
        >>> gan.compile(keras.optimizers.Adam(1e-3))
        >>> batch = {"lr": tf.random.uniform((2, 16, 16, 3)), "hr": tf.random.uniform((2, 128, 128, 3))}
        >>> history = gan.fit(tf.data.Dataset.from_tensors(batch).repeat(3), verbose=0, shuffle=False)
        >>> int(gan.step), sorted(history.history)
        (3, ['edge', 'loss', 'lr', 'rgb'])
    """

    def __init__(
        self,
        generator: keras.Model,
        objective: KerasGeneratorObjective,
        discriminator: keras.Model | None = None,
        ema_decay: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= float(ema_decay) < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1), got {ema_decay!r}")
        if not isinstance(objective, KerasGeneratorObjective):
            raise TypeError(
                f"objective must be a KerasGeneratorObjective, got {type(objective).__name__}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.objective = objective
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.step = keras.Variable(
            0, dtype="int64", trainable=False, name="step", aggregation="only_first_replica"
        )
        self._gan_active = False
        self.ema_decay = float(ema_decay)
        self.ema_weights = [
            keras.Variable(
                tf.identity(v.value),  # a copy: Keras would wrap the variable itself
                trainable=False,
                name=f"ema_{i}",
                aggregation="only_first_replica",
            )
            for i, v in enumerate(generator.trainable_variables if self.ema_decay else ())
        ]
        self.built = True

    def ema_generator(self) -> keras.Model:
        """A new Keras generator holding the moving averages (the generator itself if off)."""
        if not self.ema_decay:
            return self.generator
        from reference_model.networks import build_generator

        copy = build_generator("keras", architecture=self.generator.architecture)
        for target, average in zip(copy.trainable_variables, self.ema_weights, strict=True):
            target.assign(average.value)
        return copy

    @property
    def current_step(self) -> int:
        """The number of training steps taken (:attr:`step` as a Python int, any strategy)."""
        return int(self.step.numpy())

    @property
    def gan_active(self) -> bool:
        """Whether steps train the discriminator and use the adversarial term.

        Setting it makes ``fit`` trace a new step function.
        """
        return self._gan_active

    @gan_active.setter
    def gan_active(self, value: bool) -> None:
        value = bool(value)
        if value and self.discriminator is None:
            raise ValueError("gan_active: this model has no discriminator")
        if value != self._gan_active:
            self._gan_active = value
            self.train_function = None  # traced again, with or without the GAN branch

    def compile(
        self,
        optimizer: keras.optimizers.Optimizer,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        jit_compile: bool = False,
    ) -> None:
        """Set and build the generator's ``optimizer`` and the discriminator's ``d_optimizer``.

        Call it in the strategy's scope. The optimizers' variables are created here (not
        inside the first traced step), so checkpoints can be loaded before training.

        Args:
            optimizer: the generator's optimizer.
            d_optimizer: the discriminator's optimizer (required with a discriminator).
            jit_compile: compile steps with XLA.

        Raises:
            ValueError: ``d_optimizer`` missing while there is a discriminator, or given
                while there is none.
        """
        if (d_optimizer is None) != (self.discriminator is None):
            raise ValueError(
                "d_optimizer must be given exactly when the model has a discriminator "
                f"(discriminator: {self.discriminator is not None}, d_optimizer: "
                f"{d_optimizer is not None})"
            )
        super().compile(optimizer=optimizer, jit_compile=jit_compile)
        optimizer.build(self.generator.trainable_variables)
        self.d_optimizer = d_optimizer
        if d_optimizer is not None:
            d_optimizer.build(self.discriminator.trainable_variables)

    def call(self, lr: tf.Tensor, training: bool = False) -> tuple[tf.Tensor, tuple]:
        return self.generator(lr, training=training)

    def _discriminator_step(self, hr: tf.Tensor, sr: tf.Tensor) -> tf.Tensor:
        variables = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            loss = discriminator_loss(
                self.discriminator(hr, training=True),
                self.discriminator(tf.stop_gradient(sr), training=True),
            )
            scaled = self.d_optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        self.d_optimizer.apply_gradients(zip(grads, variables, strict=True))
        return loss

    def train_step(self, data: dict[str, Any]) -> dict[str, tf.Tensor]:
        lr, hr = data["lr"], data["hr"]
        targets = data.get("edges")
        if targets is None and self.objective.needs_targets:
            targets = self.objective.targets(hr)
        variables = self.generator.trainable_variables
        logs: dict[str, tf.Tensor] = {}
        with tf.GradientTape() as tape:
            sr, edges = self.generator(lr, training=True)
            fake = None
            if self._gan_active:
                with tape.stop_recording():
                    logs["discriminator"] = _unscaled(self._discriminator_step(hr, sr))
                fake = self.discriminator(sr, training=True)
            terms = self.objective(sr, edges, hr, targets, fake_logits=fake)
            total = tf.add_n(list(terms.values()))
            scaled = self.optimizer.scale_loss(total)
        rate = tf.cast(self.optimizer.learning_rate, tf.float32)
        grads = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(grads, variables, strict=True))
        if self.ema_decay:
            for average, weight in zip(self.ema_weights, variables, strict=True):
                average.assign(self.ema_decay * average + (1.0 - self.ema_decay) * weight)
        self.step.assign_add(1)
        logs["loss"] = _unscaled(total)
        logs.update({name: _unscaled(value) for name, value in terms.items()})
        logs["lr"] = rate
        return logs
