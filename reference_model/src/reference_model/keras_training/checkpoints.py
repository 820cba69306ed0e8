"""Keras checkpoints of a run: models, optimisers and step in one ``.weights.h5`` file.

``RUN/keras_checkpoints/step_<N>.weights.h5`` holds what ``EIPNetGAN.save_weights``
writes: both networks, both optimisers' states (Adam moments, iterations), the step
counter and the EMA weights. A file is written under a temporary name in the same
folder, synced and renamed, so a kill leaves the previous checkpoints intact; the newest
file that loads is the resume point. ``RUN/generator.safetensors`` (the generator, or
its EMA, via :func:`reference_model.save_weights`) follows every checkpoint.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import keras

from reference_model._atomic import atomic_path, remove_leftovers
from reference_model.weights import save_weights

FOLDER = "keras_checkpoints"
"""The run's sub-folder of Keras checkpoints."""

_NAME = re.compile(r"^step_(\d{9})\.weights\.h5$")


def checkpoint_path(folder: str | os.PathLike[str], step: int) -> Path:
    """``folder/step_<9-digit step>.weights.h5``.

    Example:
        >>> checkpoint_path("run/keras_checkpoints", 42).name
        'step_000000042.weights.h5'
    """
    return Path(folder) / f"step_{int(step):09d}.weights.h5"


def list_checkpoints(folder: str | os.PathLike[str]) -> list[tuple[int, Path]]:
    """``(step, path)`` of the checkpoints in ``folder``, oldest first (temp files ignored).

    Example:
        >>> list_checkpoints("no/such/folder")
        []
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    return sorted(found)


def save_checkpoint(model: keras.Model, folder: str | os.PathLike[str], keep_last: int) -> Path:
    """Write ``model``'s weights and optimiser states at its step; keep the last ``keep_last``.

    Args:
        model: a compiled :class:`~reference_model.keras_training.EIPNetGAN`.
        folder: the checkpoint folder (created if needed).
        keep_last: how many checkpoints to keep, >= 1.

    Returns:
        The checkpoint's path.
    """
    if int(keep_last) < 1:
        raise ValueError(f"keep_last must be >= 1, got {keep_last!r}")
    path = checkpoint_path(folder, model.current_step)
    with atomic_path(path, suffix=".weights.h5") as tmp:  # Keras insists on the suffix
        model.save_weights(tmp)
    items = list_checkpoints(folder)
    for _, old in items[: max(len(items) - int(keep_last), 0)]:
        old.unlink(missing_ok=True)
    remove_leftovers(folder, "step_*.weights.h5", suffix=".weights.h5")
    return path


def restore_latest(model: keras.Model, folder: str | os.PathLike[str]) -> Path | None:
    """Load the newest readable checkpoint of ``folder`` into ``model``; ``None`` if none.

    ``model`` must be compiled (its optimisers built) with the run's configuration. A
    file that cannot be read (e.g. cut short by a full disk) is reported with a warning
    and the one before it is tried.

    Raises:
        ValueError: a readable checkpoint holds other networks or optimisers than
            ``model`` (the configuration changed: another width, the GAN switched on...).
    """
    import h5py

    for _, path in reversed(list_checkpoints(folder)):
        try:
            with h5py.File(path, "r"):
                pass
        except OSError as error:  # truncated or not HDF5: try the previous one
            warnings.warn(f"skipping unreadable checkpoint {path}: {error}", stacklevel=2)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # Keras warns on skipped variables
            try:
                model.load_weights(path)
            except (ValueError, UserWarning) as error:
                raise ValueError(
                    f"the checkpoint {path} does not match this configuration's networks "
                    f"and optimisers (was the configuration changed?): {error}"
                ) from None
        return path
    return None


class CheckpointCallback(keras.callbacks.Callback):
    """Save a checkpoint and ``generator.safetensors`` every ``every`` steps and at the end.

    "The end" is the last step of a ``fit`` (``train.steps`` reached, a stop by signal,
    or the switch to the GAN phase); an exception (e.g. a non-finite loss) saves nothing.

    Args:
        run: the run folder.
        every: steps between checkpoints (``train.checkpoint_every``), >= 1.
        keep_last: checkpoints kept (``train.keep_last``).
        command: the command line, stored in the weights' metadata.
    """

    def __init__(
        self,
        run: str | os.PathLike[str],
        every: int,
        keep_last: int,
        command: str | None = None,
    ) -> None:
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every (train.checkpoint_every) must be >= 1, got {every!r}")
        self.run = Path(run)
        self.every = int(every)
        self.keep_last = int(keep_last)
        self.command = command
        self.saved_step: int | None = None

    def save(self) -> Path:
        """Write the checkpoint and the generator's safetensors now."""
        model: Any = self.model
        step = model.current_step
        path = save_checkpoint(model, self.run / FOLDER, self.keep_last)
        save_weights(
            model.ema_generator(),
            self.run / "generator.safetensors",
            training_command=self.command,
            metadata={"step": step, "ema": bool(model.ema_decay), "trainer": "keras"},
        )
        self.saved_step = step
        return path

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.model.current_step % self.every == 0:
            self.save()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.saved_step != self.model.current_step:
            self.save()
