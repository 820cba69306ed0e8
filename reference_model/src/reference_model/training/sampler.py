"""A shuffling, sharding sampler that can start in the middle of an epoch (exact resume)."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils.data import Sampler


class ResumableSampler(Sampler[int]):
    r"""Shuffled indices for one rank of one epoch, optionally from a given batch on.

    The epoch's permutation is ``torch.randperm`` seeded ``seed + epoch`` (as
    :class:`torch.utils.data.DistributedSampler` and :class:`reference_model.data.EpochSampler`
    draw it; not from the global RNG);
    it is cut to a whole number of global batches (``batch_size * world_size``, the rest
    dropped like ``drop_last``) and rank ``r`` takes every ``world_size``-th index from
    ``r`` on, like :class:`torch.utils.data.DistributedSampler`. So one process with batch
    ``2B`` sees, step by step, exactly the samples that two ranks with batch ``B`` see
    together, and a run resumed at step ``k`` of an epoch sees what it would have seen.

    Args:
        size: number of samples in the dataset.
        batch_size: per-rank batch size.
        seed: the run's seed.
        epoch: the epoch whose permutation to draw.
        start_batch: first batch of the epoch to yield (0 for a whole epoch).
        rank, world_size: this process's place in the job.

    Example:
        >>> sampler = ResumableSampler(10, batch_size=2, seed=0, epoch=0)
        >>> len(sampler), ResumableSampler.batches_per_epoch(10, 2, 1)
        (10, 5)
        >>> list(ResumableSampler(10, 2, 0, 0, start_batch=4)) == list(sampler)[8:]
        True
    """

    def __init__(
        self,
        size: int,
        batch_size: int,
        seed: int,
        epoch: int,
        start_batch: int = 0,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        if self.batches_per_epoch(size, batch_size, world_size) < 1:
            raise ValueError(
                f"{size} training images do not fill one batch of {batch_size} x "
                f"{world_size} process(es); lower the batch size or add images"
            )
        self.size, self.batch_size, self.seed, self.epoch = size, batch_size, seed, epoch
        self.start_batch, self.rank, self.world_size = start_batch, rank, world_size

    @staticmethod
    def batches_per_epoch(size: int, batch_size: int, world_size: int) -> int:
        """Whole global batches in one epoch."""
        return size // (batch_size * world_size)

    def _indices(self) -> list[int]:
        generator = torch.Generator().manual_seed(
            self.seed + self.epoch
        )  # DistributedSampler's rule
        order = torch.randperm(self.size, generator=generator)
        used = self.batches_per_epoch(self.size, self.batch_size, self.world_size)
        order = order[: used * self.batch_size * self.world_size]
        mine = order[self.rank :: self.world_size]
        return mine[self.start_batch * self.batch_size :].tolist()

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices())

    def __len__(self) -> int:
        used = self.batches_per_epoch(self.size, self.batch_size, self.world_size)
        return max(used - self.start_batch, 0) * self.batch_size
