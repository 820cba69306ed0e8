"""The training and validation ``tf.data`` pipelines a configuration describes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tensorflow as tf

from reference_model.data import FaceDataset, make_tf_dataset, split_files
from reference_model.training.trainer import training_augmentation

_KEYS = ("lr", "hr", "edges")


@dataclass(frozen=True)
class TrainingData:
    """The training and validation datasets of a run, as the torch trainer splits them.

    Attributes:
        train: the training split, augmented (edge targets made by the data workers when
            ``data.edge_targets = "workers"``).
        val: the validation split (at most ``train.val_images`` faces), or ``None``.
        global_batch: images per step over all replicas (``train.batch_size`` each).
        steps_per_epoch: whole global batches per pass over ``train``.
    """

    train: FaceDataset
    val: FaceDataset | None
    global_batch: int
    steps_per_epoch: int
    seed: int
    parallel_calls: int

    def stream(self, start_step: int, end_step: int) -> tf.data.Dataset:
        """Batches of steps ``start_step`` .. ``end_step - 1`` (dicts: ``lr``, ``hr``[, ``edges``]).

        Step ``s`` is batch ``s % steps_per_epoch`` of epoch ``s // steps_per_epoch``;
        each epoch is the torch loader's order for its epoch (seeded ``train.seed +
        epoch``), incomplete last batches dropped, so with one replica the batches equal
        the torch trainer's.
        """
        if not 0 <= start_step < end_step:
            raise ValueError(f"need 0 <= start_step < end_step, got {start_step}, {end_step}")
        epoch, first = divmod(start_step, self.steps_per_epoch)
        epochs = -(-(first + end_step - start_step) // self.steps_per_epoch)
        stream = make_tf_dataset(
            self.train,
            self.global_batch,
            shuffle=True,
            seed=self.seed,
            epoch=epoch,
            epochs=epochs,
            drop_last=True,
            parallel_calls=self.parallel_calls,
            start_batch=first,
        )
        return stream.map(lambda b: {k: b[k] for k in _KEYS if k in b}).take(end_step - start_step)

    def validation(self, batch_size: int) -> tf.data.Dataset | None:
        """The validation faces in file order, unaugmented (``lr``, ``hr``), or ``None``."""
        if self.val is None:
            return None
        stream = make_tf_dataset(
            self.val, batch_size, shuffle=False, parallel_calls=self.parallel_calls
        )
        return stream.map(lambda b: {"lr": b["lr"], "hr": b["hr"]})


def training_data(
    config: Mapping[str, Any], root: str | os.PathLike[str], replicas: int = 1
) -> TrainingData:
    """Split ``root`` and build the datasets of a configuration, like the torch trainer.

    Args:
        config: a resolved configuration (:func:`reference_model.training.load_config`).
        root: the image folder (split by :func:`reference_model.data.split_files`, seed 0).
        replicas: the strategy's replica count (the global batch is ``train.batch_size``
            times it).

    Returns:
        The :class:`TrainingData`.

    Raises:
        ValueError: a bad ``data.edge_targets`` value, or too few training images for one
            global batch.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> from reference_model.training.config import load_config
        >>> config = load_config("cpu-small", ["train.batch_size=2"])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(6):
        ...         Image.new("RGB", (128, 128), (40 * i, 90, 200)).save(Path(tmp, f"{i}.png"))
        ...     data = training_data(config, tmp)
        ...     batch = next(iter(data.stream(0, 1)))
        >>> data.global_batch, data.steps_per_epoch, sorted(batch), tuple(batch["lr"].shape)
        (2, 3, ['hr', 'lr'], (2, 16, 16, 3))
    """
    data, cfg, loss = config["data"], config["train"], config["loss"]
    if data["edge_targets"] not in ("device", "workers"):
        raise ValueError(
            f"data.edge_targets must be 'device' or 'workers', got {data['edge_targets']!r}"
        )
    if int(replicas) < 1:
        raise ValueError(f"replicas must be >= 1, got {replicas!r}")
    root = Path(root)
    fractions = {"val_fraction": data["val_fraction"], "test_fraction": data["test_fraction"]}
    train_files = split_files(root, "train", seed=0, **fractions)
    val_files = split_files(root, "val", seed=0, **fractions)
    thresholds = None
    if loss["canny"] == "fixed":
        thresholds = tuple(float(t) for t in loss["canny_thresholds"])
    seed = int(cfg["seed"])
    common = {
        "layout": data["layout"],
        "degradation": data["degradation"],
        "canny_thresholds": thresholds,
        "seed": seed,
    }
    train = FaceDataset(
        train_files,
        augment=training_augmentation(config),
        edge_targets="reference" if data["edge_targets"] == "workers" else "none",
        **common,
    )
    val = (
        FaceDataset(val_files[: int(cfg["val_images"])], edge_targets="none", **common)
        if val_files and int(cfg["val_images"]) > 0
        else None
    )
    global_batch = int(cfg["batch_size"]) * int(replicas)
    steps = len(train) // global_batch
    if steps < 1:
        raise ValueError(
            f"{len(train)} training images in {root} do not fill one batch of "
            f"{cfg['batch_size']} x {replicas} replica(s)"
        )
    workers = int(data["workers"])
    return TrainingData(train, val, global_batch, steps, seed, max(workers, 1))
