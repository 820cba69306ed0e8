"""The torch DataLoader: epoch-seeded order, DDP sharding, workers."""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler

from .dataset import FaceDataset

__all__ = ["EpochSampler", "make_torch_loader"]


class EpochSampler(DistributedSampler):
    """``DistributedSampler`` whose ``set_epoch`` also sets the dataset's epoch.

    The order of an epoch is ``torch.randperm(len(dataset))`` with a generator seeded
    ``seed + epoch`` (``DistributedSampler``'s rule), rank ``r`` of ``R`` taking every
    ``R``-th index from ``r``. With one replica (no DDP) it is that permutation itself,
    which :func:`~reference_model.data.make_tf_dataset` uses too.

    Args:
        dataset: the :class:`~reference_model.data.FaceDataset`.
        num_replicas: number of processes (1 without DDP).
        rank: this process's rank.
        shuffle: permute (training) or keep file order.
        seed: seed of the order.
        drop_last: drop the tail that does not divide evenly among replicas.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(4):
        ...         Image.new("RGB", (128, 128)).save(Path(tmp, f"{i}.png"))
        ...     data = FaceDataset(tmp)
        ...     sampler = EpochSampler(data, shuffle=True, seed=0)
        ...     sampler.set_epoch(3)
        ...     sorted(sampler), data.epoch
        ([0, 1, 2, 3], 3)
    """

    def __init__(
        self,
        dataset: FaceDataset,
        num_replicas: int = 1,
        rank: int = 0,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        super().__init__(
            dataset,
            num_replicas=num_replicas,
            rank=rank,
            shuffle=shuffle,
            seed=seed,
            drop_last=drop_last,
        )
        self.face_dataset = dataset

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch of the order and of the dataset's augmentation."""
        super().set_epoch(epoch)
        self.face_dataset.set_epoch(epoch)

    def __iter__(self) -> Iterator[int]:
        """The indices of this rank for the current epoch."""
        return super().__iter__()


def make_torch_loader(
    dataset: FaceDataset,
    batch_size: int,
    shuffle: bool = True,
    workers: int = 2,
    distributed: bool | None = None,
    seed: int = 0,
    drop_last: bool = False,
) -> DataLoader:
    """A ``DataLoader`` over a :class:`~reference_model.data.FaceDataset`.

    Always an :class:`EpochSampler`: with DDP (``torch.distributed`` initialised) each
    rank reads its shard; without it, one replica. Call ``loader.sampler.set_epoch(e)``
    before each epoch (it sets the order and the augmentation's epoch). Workers are
    persistent (they read the epoch from shared memory); memory is pinned only when CUDA
    is available. Batches are dicts: ``"hr"`` :math:`(B, 3, 128, 128)`, ``"lr"``
    :math:`(B, 3, 16, 16)`, ``"edges"`` a list of :math:`(B, 1, 32, 32)`,
    :math:`(B, 1, 64, 64)`, :math:`(B, 1, 128, 128)` (unless ``edge_targets="none"``),
    ``"index"`` and ``"file_index"`` :math:`(B,)` int64.

    Args:
        dataset: the dataset.
        batch_size: samples per batch (per rank under DDP), >= 1.
        shuffle: a new permutation each epoch (training) or file order.
        workers: data worker processes (0: load in this process).
        distributed: ``None`` to shard when ``torch.distributed`` is initialised,
            ``True`` to require it, ``False`` to never shard.
        seed: seed of the order (the augmentation's is the dataset's).
        drop_last: drop the last incomplete batch (and DDP's uneven tail).

    Returns:
        The loader.

    Raises:
        ValueError: ``batch_size < 1``, ``workers < 0``, or ``distributed=True`` without
            an initialised process group.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from PIL import Image
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(3):
        ...         Image.new("RGB", (128, 128)).save(Path(tmp, f"{i}.png"))
        ...     loader = make_torch_loader(FaceDataset(tmp), batch_size=2, workers=0)
        ...     batch = next(iter(loader))
        >>> tuple(batch["hr"].shape), tuple(batch["edges"][0].shape), len(loader)
        ((2, 3, 128, 128), (2, 1, 32, 32), 2)
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    if workers < 0:
        raise ValueError(f"workers must be >= 0, got {workers!r}")
    initialised = dist.is_available() and dist.is_initialized()
    if distributed and not initialised:
        raise ValueError(
            "distributed=True but torch.distributed is not initialised "
            "(call torch.distributed.init_process_group first, e.g. under torchrun)"
        )
    shard = initialised if distributed is None else distributed
    replicas, rank = (dist.get_world_size(), dist.get_rank()) if shard else (1, 0)
    sampler = EpochSampler(
        dataset,
        num_replicas=replicas,
        rank=rank,
        shuffle=shuffle,
        seed=seed,
        drop_last=drop_last,
    )
    sampler.set_epoch(dataset.epoch)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        num_workers=workers,
        pin_memory=torch.cuda.is_available(),
        drop_last=drop_last,
        persistent_workers=workers > 0,
        prefetch_factor=4 if workers > 0 else None,
    )
