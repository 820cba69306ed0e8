"""What a Keras run records: ``log.jsonl``, TensorBoard scalars and image grids, a progress line."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf


def log_record(step: int, logs: dict[str, Any]) -> dict[str, Any]:
    """A ``fit`` step's logs under the torch trainer's names (``loss/<term>``, ``lr``).

    Example:
        >>> log_record(5, {"loss": 0.25, "rgb": 0.2, "edge": 0.05, "lr": 1e-3})
        {'step': 5, 'loss/total': 0.25, 'loss/rgb': 0.2, 'loss/edge': 0.05, 'lr': 0.001}
    """
    record: dict[str, Any] = {"step": int(step)}
    for key, value in logs.items():
        name = "loss/total" if key == "loss" else key if key == "lr" else f"loss/{key}"
        record[name] = float(value)
    return record


def image_grid(lr: np.ndarray, sr: np.ndarray, hr: np.ndarray) -> np.ndarray:
    """Rows of ``LR (nearest x8) | SR | HR`` for TensorBoard, :math:`(N, 128, 384, 3)` in [0, 1].

    Args:
        lr: :math:`(N, 16, 16, 3)`; sr, hr: :math:`(N, 128, 128, 3)`.

    Example:
        >>> image_grid(np.zeros((2, 16, 16, 3)), np.ones((2, 128, 128, 3)),
        ...            np.ones((2, 128, 128, 3))).shape
        (2, 128, 384, 3)
    """
    up = np.repeat(np.repeat(np.asarray(lr), 8, axis=1), 8, axis=2)
    return np.clip(np.concatenate([up, np.asarray(sr), np.asarray(hr)], axis=2), 0.0, 1.0)


class TrainingLog(keras.callbacks.Callback):
    """Every ``log_every`` steps (and at the end): a ``log.jsonl`` line, TensorBoard scalars
    (every loss term, lr, images/s) and a progress line; every ``image_every`` steps a
    TensorBoard grid ``LR | SR | HR`` of ``preview`` faces.

    Records use the torch trainer's names (:func:`log_record`), so the two trainers' logs
    compare directly. :attr:`history` keeps every record of this process.

    Args:
        run: the run folder (``log.jsonl``, ``tensorboard/``).
        log_every, image_every: intervals in steps (>= 1).
        total_steps: ``train.steps`` (for the progress line and the last record).
        images_per_step: the global batch (for images/s).
        preview: ``(lr, hr)`` arrays of a few faces for the image grid, or ``None``.
        tensorboard: write TensorBoard summaries.
        quiet: print nothing.
    """

    def __init__(
        self,
        run: str | os.PathLike[str],
        log_every: int,
        image_every: int,
        total_steps: int,
        images_per_step: int,
        preview: tuple[np.ndarray, np.ndarray] | None = None,
        tensorboard: bool = True,
        quiet: bool = False,
    ) -> None:
        super().__init__()
        if int(log_every) < 1 or int(image_every) < 1:
            raise ValueError(
                f"train.log_every and train.image_every must be >= 1, got {log_every!r}, "
                f"{image_every!r}"
            )
        self.run = Path(run)
        self.log_every = int(log_every)
        self.image_every = int(image_every)
        self.total_steps = int(total_steps)
        self.images_per_step = int(images_per_step)
        self.preview = preview
        self.quiet = quiet
        self.history: list[dict[str, Any]] = []
        self.writer = (
            tf.summary.create_file_writer(str(self.run / "tensorboard")) if tensorboard else None
        )
        self._window: tuple[float, int] | None = None

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` (``{"step": int, name: number}``) to ``log.jsonl`` and TensorBoard."""
        self.history.append(record)
        self.run.mkdir(parents=True, exist_ok=True)
        with open(self.run / "log.jsonl", "a") as stream:
            stream.write(json.dumps(record) + "\n")
        if self.writer is not None:
            with self.writer.as_default(step=record["step"]):
                for key, value in record.items():
                    if key != "step" and isinstance(value, (int, float)):
                        tf.summary.scalar(key, value)
            self.writer.flush()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._window = (time.perf_counter(), self.model.current_step)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        step = self.model.current_step
        if step % self.log_every == 0 or step == self.total_steps:
            now = time.perf_counter()
            start, first = self._window or (now, step)
            self._window = (now, step)
            record = log_record(step, dict(logs or {}))
            record["images_per_s"] = (step - first) * self.images_per_step / max(now - start, 1e-9)
            self.write(record)
            if not self.quiet:
                left = (self.total_steps - step) / max(record["images_per_s"], 1e-9)
                print(
                    f"step {step}/{self.total_steps} loss {record['loss/total']:.5f} "
                    f"{record['images_per_s']:.1f} img/s eta "
                    f"{left * self.images_per_step / 60:.1f} min",
                    flush=True,
                )
        if step % self.image_every == 0 or step == self.total_steps:
            self.write_images(step)

    def write_images(self, step: int) -> None:
        """Write the ``LR | SR | HR`` grid of the preview faces at ``step``."""
        if self.writer is None or self.preview is None:
            return
        lr, hr = self.preview
        sr, _ = self.model.generator(lr, training=False)
        grid = image_grid(lr, tf.cast(sr, tf.float32).numpy(), hr)
        with self.writer.as_default(step=step):
            tf.summary.image("lr_sr_hr", grid, max_outputs=len(grid))
        self.writer.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.writer is not None:
            self.writer.flush()
