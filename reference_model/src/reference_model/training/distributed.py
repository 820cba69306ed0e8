"""Process-group set-up for one process or many (``torchrun``), on any device."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Job:
    """Where this process stands: rank, world size, local rank, device.

    Example:
        >>> Job(0, 1, 0, torch.device("cpu")).is_main
        True
    """

    rank: int
    world_size: int
    local_rank: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that logs and writes."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """More than one process."""
        return self.world_size > 1


def cpu_has_bf16() -> bool:
    """Whether the CPU advertises bf16 instructions (AVX512-BF16 or AMX).

    Example:
        >>> isinstance(cpu_has_bf16(), bool)
        True
    """
    try:
        with open("/proc/cpuinfo") as info:
            flags = info.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_device(device: str, local_rank: int = 0) -> torch.device:
    """``"auto"`` -> this rank's GPU if CUDA is available, else the CPU; else ``device`` itself.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank % torch.cuda.device_count())
        return torch.device("cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and resolved.index is None:
        resolved = torch.device("cuda", local_rank % max(torch.cuda.device_count(), 1))
    return resolved


def start_job(device: str = "auto") -> Job:
    """Join the process group that ``torchrun`` describes (``RANK``, ``WORLD_SIZE``, ...).

    Without those variables this is a single-process job and nothing is initialised.
    The backend is NCCL for CUDA devices and gloo otherwise.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    resolved = resolve_device(device, local_rank)
    if resolved.type == "cuda":
        torch.cuda.set_device(resolved)
    if world_size > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if resolved.type == "cuda" else "gloo")
    return Job(rank, world_size, local_rank, resolved)


def end_job(job: Job) -> None:
    """Leave the process group (if this process joined one)."""
    if job.distributed and dist.is_initialized():
        dist.destroy_process_group()
