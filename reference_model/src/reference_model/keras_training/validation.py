"""Validation of a Keras run: PSNR and SSIM on the held-out split, and the best weights."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from faceloss.tf import PSNR, SSIM
from reference_model.weights import save_weights


def validate(generator: keras.Model, dataset: tf.data.Dataset) -> dict[str, float]:
    """Mean PSNR (dB) and SSIM of ``generator``'s faces (clipped to [0, 1]) over ``dataset``.

    Args:
        generator: a Keras EIPNet generator.
        dataset: batches of ``{"lr": (N, 16, 16, 3), "hr": (N, 128, 128, 3)}`` in [0, 1].

    Returns:
        ``{"psnr": float, "ssim": float}`` (faceloss.tf's :class:`~faceloss.tf.PSNR`,
        :class:`~faceloss.tf.SSIM`: means of per-image values).

    Example:
        >>> import tensorflow as tf
        >>> from reference_model import build_generator
        >>> net = build_generator("keras", channels=(8, 4, 4, 4))
        >>> faces = {"lr": tf.zeros((2, 16, 16, 3)), "hr": tf.zeros((2, 128, 128, 3))}
        >>> sorted(validate(net, tf.data.Dataset.from_tensors(faces)))
        ['psnr', 'ssim']
    """
    metrics = {"psnr": PSNR(), "ssim": SSIM()}
    for batch in dataset:  # eagerly: a traced function would be traced again each time
        sr, _ = generator(batch["lr"], training=False)
        sr = tf.clip_by_value(tf.cast(sr, tf.float32), 0.0, 1.0)
        for metric in metrics.values():
            metric.update_state(batch["hr"], sr)
    return {name: float(metric.result()) for name, metric in metrics.items()}


class ValidationCallback(keras.callbacks.Callback):
    """Validate every ``every`` steps and at the last step; keep ``best.safetensors``.

    Records ``val/psnr`` and ``val/ssim`` through ``log`` (a
    :class:`~reference_model.keras_training.logs.TrainingLog`) and writes the generator
    (its EMA when on) to ``RUN/best.safetensors`` whenever the PSNR is the best so far.

    Args:
        run: the run folder.
        dataset: the validation batches.
        every: steps between validations (``train.val_every``), >= 1.
        total_steps: ``train.steps``.
        log: where records go.
        command: the command line, stored in the weights' metadata.
    """

    def __init__(
        self,
        run: str | os.PathLike[str],
        dataset: tf.data.Dataset,
        every: int,
        total_steps: int,
        log: Any,
        command: str | None = None,
    ) -> None:
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every (train.val_every) must be >= 1, got {every!r}")
        self.run = Path(run)
        self.dataset = dataset
        self.every = int(every)
        self.total_steps = int(total_steps)
        self.log = log
        self.command = command
        self.best_psnr = -math.inf
        best = self.run / "best.safetensors"
        if best.is_file():  # a resumed run keeps its best so far
            from reference_model.weights import read_weights

            self.best_psnr = float(read_weights(best)[1].get("val_psnr", -math.inf))

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self.model.current_step
        if step % self.every and step != self.total_steps:
            return
        model: Any = self.model
        generator = model.ema_generator()
        metrics = validate(generator, self.dataset)
        self.log.write({"step": step, **{f"val/{k}": v for k, v in metrics.items()}})
        if metrics["psnr"] > self.best_psnr:
            self.best_psnr = metrics["psnr"]
            save_weights(
                generator,
                self.run / "best.safetensors",
                training_command=self.command,
                metadata={"step": step, "val_psnr": metrics["psnr"], "val_ssim": metrics["ssim"]},
            )
