"""``train_keras``: EIPNet trained by Keras' ``model.fit``, the twin of the torch trainer.

A run folder written by :func:`train_keras`::

    RUN/config.toml                             the resolved configuration
    RUN/keras_checkpoints/step_<N>.weights.h5   the last ``keep_last`` checkpoints
    RUN/generator.safetensors                   the generator of the latest checkpoint
    RUN/best.safetensors                        the best generator by validation PSNR
    RUN/log.jsonl                               logged steps and validations
    RUN/tensorboard/                            TensorBoard scalars and image grids
"""

from __future__ import annotations

import copy
import itertools
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from reference_model.keras_training.checkpoints import FOLDER, CheckpointCallback, restore_latest
from reference_model.keras_training.control import TrainingGuard
from reference_model.keras_training.data import training_data
from reference_model.keras_training.gan import EIPNetGAN
from reference_model.keras_training.logs import TrainingLog
from reference_model.keras_training.objective import KerasGeneratorObjective
from reference_model.keras_training.schedule import StepSchedule
from reference_model.keras_training.validation import ValidationCallback
from reference_model.networks import build_discriminator, build_generator
from reference_model.training.config import dump_config
from reference_model.training.losses import canny_thresholds, weights_from_config
from reference_model.training.trainer import discriminator_architecture, generator_architecture

POLICIES = {"off": None, "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}
"""``train.amp`` -> the Keras dtype policy of the networks (``fp16`` adds loss scaling)."""


def resolve_keras_amp(amp: str) -> str:
    """``train.amp`` for Keras: ``"auto"`` is ``"bf16"`` when TensorFlow sees a GPU, else off.

    (The torch trainer's ``"auto"`` also uses bf16 on CPUs with bf16 instructions; Keras'
    ``mixed_bfloat16`` policy was not measured faster on this project's CPU, so it stays
    float32 there.)

    Example:
        >>> resolve_keras_amp("fp16")
        'fp16'
    """
    if amp == "auto":
        return "bf16" if tf.config.list_physical_devices("GPU") else "off"
    if amp not in POLICIES:
        raise ValueError(f"train.amp must be one of {['auto', *sorted(POLICIES)]}, got {amp!r}")
    return amp


def _optimizer(
    config: Mapping[str, Any], betas: Sequence[float], offset: int
) -> keras.optimizers.Optimizer:
    optim, train = config["optim"], config["train"]
    schedule = StepSchedule(
        float(optim["lr"]), int(train["steps"]), optim["schedule"], offset=offset
    )
    optimizer = keras.optimizers.Adam(
        learning_rate=schedule,
        beta_1=float(betas[0]),
        beta_2=float(betas[1]),
        epsilon=float(optim["eps"]),
    )
    if resolve_keras_amp(train["amp"]) == "fp16":
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def build_training_model(
    config: Mapping[str, Any], strategy: tf.distribute.Strategy | None = None
) -> EIPNetGAN:
    """The compiled :class:`~reference_model.keras_training.EIPNetGAN` of a configuration.

    Built in ``strategy``'s scope (default: the current strategy): the generator and,
    when ``loss.adversarial > 0`` and ``loss.gan_start < train.steps``, the
    discriminator (``[model]``, ``[discriminator]``; ``train.amp`` as a dtype policy),
    eq. 11's objective (``[loss]``), Adam for each network (``[optim]``: ``lr``,
    ``g_betas``/``d_betas``, ``eps``, ``schedule``) and the EMA (``train.ema``); XLA
    when ``train.compile``.

    Args:
        config: a resolved configuration (:func:`reference_model.training.load_config`).
        strategy: the ``tf.distribute`` strategy.

    Returns:
        The model, at step 0.

    Raises:
        ValueError: a bad ``train.amp``, ``optim.schedule`` or loss weight (named).

    Example:
        >>> from reference_model.training.config import load_config
        >>> config = load_config("cpu-small", ["model.channels=[8, 4, 4, 4]"])
        >>> model = build_training_model(config)
        >>> model.discriminator is None, model.current_step, sorted(model.objective.weights)[:2]
        (True, 0, ['adversarial', 'edge'])
    """
    train, loss = config["train"], config["loss"]
    policy = POLICIES[resolve_keras_amp(train["amp"])]
    strategy = strategy or tf.distribute.get_strategy()
    gan = float(loss["adversarial"]) > 0 and int(loss["gan_start"]) < int(train["steps"])
    with strategy.scope():
        generator = build_generator(
            "keras", architecture=generator_architecture(config), dtype=policy
        )
        discriminator = (
            build_discriminator(
                "keras", architecture=discriminator_architecture(config), dtype=policy
            )
            if gan
            else None
        )
        weights = weights_from_config(loss)
        if weights["edge"] == 0.0:
            # Nothing trains the 1x1 convolutions that draw the edge maps: freeze them (as
            # the torch trainer does), or Keras warns at every step that they get no gradient.
            for block in (generator.edge1, generator.edge2, generator.edge3):
                block.conv.trainable = False
        objective = KerasGeneratorObjective(
            weights,
            float(loss["identity_temperature"]),
            _canny_kwargs(loss),
            rgb_norm=str(loss["rgb_norm"]),
        )
        objective.build()
        model = EIPNetGAN(generator, objective, discriminator, ema_decay=float(train["ema"]))
        optim = config["optim"]
        model.compile(
            _optimizer(config, optim["g_betas"], 0),
            _optimizer(config, optim["d_betas"], int(loss["gan_start"])) if gan else None,
            jit_compile=bool(train["compile"]),
        )
    return model


def _preview(data: Any, count: int = 4) -> tuple[np.ndarray, np.ndarray]:
    source = data.validation(count)
    batch = next(iter(source if source is not None else data.stream(0, 1)))
    return batch["lr"].numpy()[:count], batch["hr"].numpy()[:count]


def train_keras(
    config: Mapping[str, Any],
    data: str | os.PathLike[str],
    run: str | os.PathLike[str],
    *,
    strategy: tf.distribute.Strategy | None = None,
    command: str | None = None,
    quiet: bool = False,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    tensorboard: bool = True,
) -> dict[str, Any]:
    """Train EIPNet with Keras ``model.fit``; resume from ``run``'s latest Keras checkpoint.

    The same configuration files and keys as :func:`reference_model.training.train`
    (:func:`reference_model.training.load_config`), the same data split, batches (with
    one replica, the torch trainer's batches step for step), objective (eq. 11 from
    :mod:`faceloss.tf`), optimisers, learning-rate schedule and GAN phase from
    ``loss.gan_start``. ``train.batch_size`` is per replica. ``train.channels_last`` has
    no effect (Keras is channels-last); ``train.compile`` turns on XLA; ``train.amp``
    picks a Keras mixed-precision policy; ``train.threads`` is applied by
    :func:`~reference_model.keras_training.configure_devices` (before TensorFlow starts).
    See the module docstring for the run folder. The discriminator and the adversarial
    term run from step ``loss.gan_start`` on: ``fit`` runs once per phase.

    Args:
        config: a resolved configuration.
        data: the image folder (split by :func:`reference_model.data.split_files`).
        run: the run folder.
        strategy: a ``tf.distribute`` strategy (e.g. ``MirroredStrategy``); default: the
            current one. Everything is built in its scope.
        command: the command line, stored in the weights' metadata.
        quiet: print nothing.
        callbacks: more Keras callbacks for ``fit`` (e.g. ``keras.callbacks.TensorBoard``).
        tensorboard: write TensorBoard scalars and images to ``RUN/tensorboard``.

    Returns:
        A summary: ``status`` ("complete", "stopped by SIGTERM" / "stopped by SIGINT",
        or "stopped by a callback"), ``step``, ``steps_run``, ``seconds``,
        ``best_val_psnr`` (``None`` without a validation split), ``run``, ``replicas``,
        ``resumed_from`` (a checkpoint path or ``None``) and ``history`` (the records
        this call logged, as in ``log.jsonl``).

    Raises:
        NonFiniteLossError: a loss term became NaN/Inf (named, with the step); nothing of
            that step was written.
        ValueError: a bad configuration value (named) or too few images.
    """
    config = copy.deepcopy(dict(config))
    train = config["train"]
    total = int(train["steps"])
    run_dir = Path(run)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.toml").write_text(dump_config(config))
    strategy = strategy or tf.distribute.get_strategy()
    keras.utils.set_random_seed(int(train["seed"]))
    if train["deterministic"]:
        tf.config.experimental.enable_op_determinism()
    dataset = training_data(config, data, strategy.num_replicas_in_sync)
    model = build_training_model(config, strategy)
    resumed = restore_latest(model, run_dir / FOLDER)
    start = model.current_step

    def say(message: str) -> None:
        if not quiet:
            print(message, flush=True)

    if resumed is not None:
        say(f"resumed from {resumed} (step {start})")
    log = TrainingLog(
        run_dir,
        int(train["log_every"]),
        int(train["image_every"]),
        total,
        dataset.global_batch,
        preview=_preview(dataset) if tensorboard else None,
        tensorboard=tensorboard,
        quiet=quiet,
    )
    summary: dict[str, Any] = {
        "status": "complete",
        "step": start,
        "steps_run": 0,
        "seconds": 0.0,
        "best_val_psnr": None,
        "run": str(run_dir),
        "replicas": strategy.num_replicas_in_sync,
        "resumed_from": None if resumed is None else str(resumed),
        "history": log.history,
    }
    if start >= total:
        say(f"nothing to do: the run is at step {start} of {total}")
        return summary
    validation = None
    val_data = dataset.validation(int(train["batch_size"]))
    if val_data is not None:
        validation = ValidationCallback(
            run_dir, val_data, int(train["val_every"]), total, log, command
        )
    checkpoint = CheckpointCallback(
        run_dir, int(train["checkpoint_every"]), int(train["keep_last"]), command
    )
    gan_start = int(config["loss"]["gan_start"])
    bounds = [start, total]
    if model.discriminator is not None and start < gan_start < total:
        bounds.insert(1, gan_start)
    started = time.perf_counter()
    for begin, end in itertools.pairwise(bounds):
        model.gan_active = model.discriminator is not None and begin >= gan_start
        guard = TrainingGuard(end)
        phase = [guard, log, *([validation] if validation else []), checkpoint, *callbacks]
        model.fit(
            dataset.stream(begin, end),
            epochs=1,
            steps_per_epoch=end - begin,
            callbacks=phase,
            verbose=0,
            shuffle=False,
        )
        if guard.signal:
            summary["status"] = f"stopped by {guard.signal}"
            say(f"{summary['status']} at step {model.current_step}: checkpoint saved, exiting")
            break
        if model.current_step < end:  # a callback of the caller's stopped fit
            summary["status"] = "stopped by a callback"
            break
    step = model.current_step
    summary.update(
        step=step,
        steps_run=step - start,
        seconds=time.perf_counter() - started,
        best_val_psnr=None if validation is None else validation.best_psnr,
    )
    return summary


def _canny_kwargs(loss: dict) -> dict[str, float]:
    """``faceloss.tf.edge_targets`` keyword arguments for the configured thresholds."""
    thresholds = canny_thresholds(loss)
    return {} if thresholds is None else {"low": thresholds[0], "high": thresholds[1]}
