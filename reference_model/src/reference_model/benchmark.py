"""Speed of EIPNet on this machine: generator forward throughput and training-step cost.

What ``eipnet benchmark`` and ``benchmarks/generator.py`` print. Rates are best-of-N
wall-clock times after warm-up; the convolution work is counted with
``torch.utils.flop_counter`` (2 FLOPs per multiply-add) and compared with the float32
matmul rate measured in the same run.
"""

from __future__ import annotations

import contextlib
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch.utils.flop_counter import FlopCounterMode

from reference_model.networks import build_generator
from reference_model.training.distributed import cpu_has_bf16

__all__ = [
    "best_seconds",
    "convolution_macs",
    "cpu_has_bf16",
    "cpu_name",
    "forward_rate",
    "loss_term_costs",
    "matmul_gflops",
    "synchronize",
    "threads",
]


def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or what ``platform`` knows.

    Example:
        >>> isinstance(cpu_name(), str)
        True
    """
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (CUDA); nothing on the CPU."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_seconds(
    run: Callable[[], Any], repeats: int, device: torch.device, warmup: int = 2
) -> float:
    """The fastest of ``repeats`` timed calls of ``run`` after ``warmup`` untimed ones.

    Example:
        >>> best_seconds(lambda: sum(range(100)), 3, torch.device("cpu")) >= 0
        True
    """
    times = []
    for i in range(warmup + repeats):
        synchronize(device)
        start = time.perf_counter()
        run()
        synchronize(device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return min(times)


def matmul_gflops(device: torch.device, repeats: int = 5, size: int = 1024) -> float:
    """float32 ``torch.mm`` rate in GFLOP/s on ``device`` (a ``size``^3 product).

    Example:
        >>> matmul_gflops(torch.device("cpu"), repeats=1, size=64) > 0
        True
    """
    a = torch.rand(size, size, device=device)
    b = torch.rand(size, size, device=device)
    return 2 * size**3 / best_seconds(lambda: torch.mm(a, b), repeats, device) / 1e9


def convolution_macs(channels: Sequence[int], variant: str = "paper") -> float:
    """Multiply-adds of the generator's convolutions for one 16x16 input.

    Example:
        >>> round(convolution_macs((512, 256, 128, 64)) / 1e9, 2)
        10.13
    """
    net = build_generator("torch", variant, channels=tuple(channels), channels_last=False)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        net(torch.rand(1, 3, 16, 16))
    counts = counter.get_flop_counts()["Global"]
    return sum(n for op, n in counts.items() if "convolution" in str(op)) / 2


def _autocast(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


def forward_rate(
    model: torch.nn.Module,
    batch: int,
    device: torch.device,
    dtype: torch.dtype | None = None,
    repeats: int = 5,
    micro_batch: int | None = None,
) -> float:
    """Best seconds per forward pass of ``batch`` 16x16 inputs (no grad, optional autocast).

    ``micro_batch`` feeds the batch as consecutive slices of that many images (the last one
    may be shorter): on a CPU the activations of a small slice stay in cache between layers,
    which a batch of 16 (134 MB per 128x128 map of Table 1's last stage) does not.

    Example:
        >>> calls = []
        >>> seconds = forward_rate(lambda x: calls.append(len(x)), 5, torch.device("cpu"),
        ...                        repeats=1, micro_batch=2)
        >>> calls[-3:]
        [2, 2, 1]
    """
    lr = torch.rand(batch, 3, 16, 16, device=device)
    step = batch if micro_batch is None else micro_batch
    if step < 1:
        raise ValueError(f"micro_batch must be >= 1, got {micro_batch}")

    def run() -> None:
        with torch.no_grad(), _autocast(device, dtype):
            for start in range(0, batch, step):
                model(lr[start : start + step])

    return best_seconds(run, repeats, device)


def loss_term_costs(
    channels: Sequence[int],
    batch: int,
    device: torch.device,
    dtype: torch.dtype | None = None,
    repeats: int = 3,
    identity: bool = True,
) -> dict[str, float]:
    """Seconds of one training step and of each loss term's forward + backward alone.

    ``"generator step"`` is forward + backward + Adam with L_rgb only; each other entry is
    the extra time of one term of eq. 11 (its targets included: the Canny maps for the
    edge term, dlib's network for the identity term), measured as the term's forward and
    backward from the generator's outputs.
    """
    from reference_model.training.losses import GeneratorObjective

    net = build_generator("torch", channels=tuple(channels)).to(device)
    opt = torch.optim.Adam(net.parameters(), 1e-4)
    lr = torch.rand(batch, 3, 16, 16, device=device)
    hr = torch.rand(batch, 3, 128, 128, device=device)

    def step() -> None:
        with _autocast(device, dtype):
            sr, _ = net(lr)
        loss = torch.nn.functional.mse_loss(sr.float(), hr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    costs = {"generator step": best_seconds(step, repeats, device)}
    terms = {"rgb": {"rgb": 1.0}, "edge": {"edge": 0.3}, "lc": {"lc": 1.0}}
    if identity:
        terms["identity"] = {"identity": 0.1}
    for name, weights in terms.items():
        objective = GeneratorObjective(weights).to(device)
        sr = torch.rand(batch, 3, 128, 128, device=device, requires_grad=True)
        edges = [
            torch.rand(batch, 1, s, s, device=device, requires_grad=True) for s in (32, 64, 128)
        ]

        def term(objective: GeneratorObjective = objective, sr=sr, edges=edges) -> None:
            with _autocast(device, dtype):
                value = sum(objective(sr, edges, hr).values())
            value.backward()

        costs[name] = best_seconds(term, repeats, device)
    return costs


@contextlib.contextmanager
def threads(count: int) -> Iterator[None]:
    """Run with ``count`` torch intra-op threads (0 leaves the setting alone)."""
    before = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
