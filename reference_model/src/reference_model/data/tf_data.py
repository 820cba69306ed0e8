"""The tf.data pipeline: the same samples as the torch loader, channels last."""

from __future__ import annotations

from typing import Any

import numpy as np

from .dataset import FaceDataset
from .loader import EpochSampler

__all__ = ["epoch_order", "make_tf_dataset"]


def epoch_order(
    dataset: FaceDataset, shuffle: bool, seed: int, epoch: int, drop_last: bool = False
) -> list[int]:
    """The sample order of one epoch, as :func:`~reference_model.data.make_torch_loader`
    gives it without DDP (``torch.randperm`` seeded ``seed + epoch``, or file order).

    Args:
        dataset: the dataset.
        shuffle: permute or keep file order.
        seed: seed of the order.
        epoch: the epoch.
        drop_last: as the loader's (no effect with one replica).

    Returns:
        ``len(dataset)`` indices.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(3):
        ...         Image.new("RGB", (128, 128)).save(Path(tmp, f"{i}.png"))
        ...     epoch_order(FaceDataset(tmp), shuffle=False, seed=0, epoch=0)
        [0, 1, 2]
    """
    sampler = EpochSampler(dataset, 1, 0, shuffle=shuffle, seed=seed, drop_last=drop_last)
    sampler.epoch = int(epoch)  # the order only; the dataset's epoch is left alone
    return list(sampler)


def make_tf_dataset(
    dataset: FaceDataset,
    batch_size: int,
    shuffle: bool = True,
    seed: int = 0,
    epoch: int = 0,
    epochs: int = 1,
    drop_last: bool = False,
    parallel_calls: int | None = None,
    start_batch: int = 0,
) -> Any:
    """A ``tf.data.Dataset`` of the same samples as the torch loader, NHWC.

    For each epoch ``e`` in ``epoch .. epoch + epochs - 1`` the indices come in
    :func:`epoch_order` and each sample is ``dataset.sample(i, epoch=e)`` (run with
    ``tf.numpy_function``, ``deterministic=True``), so with the same dataset settings,
    ``seed`` and epoch the batches equal the torch loader's (transposed to channels
    last). TensorFlow is imported on the first call only.

    Batches are dicts: ``"hr"`` float32 :math:`(B, 128, 128, 3)` in [0, 1], ``"lr"``
    :math:`(B, 16, 16, 3)`, ``"edges"`` (unless the dataset has ``edge_targets="none"``)
    a tuple of 0/1 maps :math:`(B, 32, 32, 1)`, :math:`(B, 64, 64, 1)`,
    :math:`(B, 128, 128, 1)`, ``"index"`` and ``"file_index"`` :math:`(B,)` int64.

    Args:
        dataset: the :class:`~reference_model.data.FaceDataset`.
        batch_size: samples per batch, >= 1.
        shuffle: a new permutation each epoch, or file order.
        seed: seed of the order (as the torch loader's ``seed``).
        epoch: the first epoch.
        epochs: how many epochs the dataset runs through.
        drop_last: drop each epoch's last incomplete batch.
        parallel_calls: samples made concurrently (threads); ``None`` for
            ``tf.data.AUTOTUNE``.
        start_batch: begin the first epoch at this batch (a resumed run's data
            position); the samples before it are not made. ``0 <= start_batch``, and
            less than the first epoch's number of batches.

    Returns:
        The ``tf.data.Dataset`` (prefetching).

    Raises:
        ValueError: ``batch_size < 1``, ``epoch < 0``, ``epochs < 1`` or a
            ``start_batch`` outside the first epoch.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(3):
        ...         Image.new("RGB", (128, 128)).save(Path(tmp, f"{i}.png"))
        ...     batches = list(make_tf_dataset(FaceDataset(tmp), batch_size=2))
        >>> [tuple(b["hr"].shape) for b in batches], tuple(batches[0]["edges"][2].shape)
        ([(2, 128, 128, 3), (1, 128, 128, 3)], (2, 128, 128, 1))
    """
    import tensorflow as tf

    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    if epoch < 0 or epochs < 1:
        raise ValueError(f"need epoch >= 0 and epochs >= 1, got epoch={epoch!r}, epochs={epochs!r}")
    if not 0 <= start_batch:
        raise ValueError(f"start_batch must be >= 0, got {start_batch!r}")
    with_edges = dataset.edge_targets != "none"
    size = 128
    lr_size = size // 8

    def load(e: np.ndarray, i: np.ndarray) -> list[np.ndarray]:
        sample = dataset.sample(int(i), epoch=int(e))
        arrays = [sample["hr"].transpose(1, 2, 0), sample["lr"].transpose(1, 2, 0)]
        if with_edges:
            arrays += [m.transpose(1, 2, 0) for m in sample["edges"]]
        arrays = [np.ascontiguousarray(a) for a in arrays]
        return [
            *arrays,
            np.asarray(sample["index"], np.int64),
            np.asarray(sample["file_index"], np.int64),
        ]

    n_maps = 3 if with_edges else 0
    types = [tf.float32] * (2 + n_maps) + [tf.int64, tf.int64]
    shapes = [(size, size, 3), (lr_size, lr_size, 3)]
    shapes += [*[(size // s, size // s, 1) for s in (4, 2, 1)][:n_maps], (), ()]

    def to_sample(e: Any, i: Any) -> dict[str, Any]:
        values = tf.numpy_function(load, [e, i], types, stateful=False)
        values = [tf.ensure_shape(v, s) for v, s in zip(values, shapes, strict=True)]
        out: dict[str, Any] = {"hr": values[0], "lr": values[1]}
        if with_edges:
            out["edges"] = tuple(values[2:5])
        out["index"], out["file_index"] = values[-2], values[-1]
        return out

    calls = tf.data.AUTOTUNE if parallel_calls is None else parallel_calls
    pipelines = []
    for e in range(epoch, epoch + epochs):
        order = np.asarray(epoch_order(dataset, shuffle, seed, e, drop_last), np.int64)
        if e == epoch and start_batch:
            batches = len(order) // batch_size if drop_last else -(-len(order) // batch_size)
            if start_batch >= batches:
                raise ValueError(
                    f"start_batch must be < the {batches} batches of epoch {epoch}, "
                    f"got {start_batch!r}"
                )
            order = order[start_batch * batch_size :]
        pairs = tf.data.Dataset.from_tensor_slices((np.full_like(order, e), order))
        samples = pairs.map(to_sample, num_parallel_calls=calls, deterministic=True)
        pipelines.append(samples.batch(batch_size, drop_remainder=drop_last))
    result = pipelines[0]
    for more in pipelines[1:]:
        result = result.concatenate(more)
    return result.prefetch(tf.data.AUTOTUNE)
