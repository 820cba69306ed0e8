"""EdgeBlock forward + backward time: faceloss.torch.EdgeBlock vs a naive AvgPool2d version.

The naive version is what a torch user would write to get TF 'SAME' semantics with
``nn.AvgPool2d``: symmetric padding ``s // 2`` with ``count_include_pad=False`` and the
extra leading row/column of even windows cropped (also exact). Both variants run
interleaved in the same process; medians of repeated runs, ratios reported.

Usage: python benchmarks/edge_block.py [--repeats 7] [--batch 16] [--channels 64] [--side 128]
       [--pool-size 10] [--channels-last] [--forward-only]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch
from torch import nn

from faceloss.torch import EdgeBlock


class NaiveEdgeBlock(nn.Module):
    """EdgeBlock with ``nn.AvgPool2d(count_include_pad=False)`` and a crop (exact, slower)."""

    def __init__(self, channels: int, pool_size: int) -> None:
        super().__init__()
        self.start = pool_size // 2 - (pool_size - 1) // 2
        self.pool = nn.AvgPool2d(pool_size, 1, pool_size // 2, count_include_pad=False)
        self.conv = nn.Conv2d(channels, 1, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, w = x.shape[-2:]
        smooth = self.pool(x)[..., self.start : self.start + h, self.start : self.start + w]
        difference = x - smooth
        return torch.cat([x, difference], 1), self.conv(difference)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def step(block: nn.Module, x: torch.Tensor, backward: bool = True) -> float:
    start = time.perf_counter()
    with torch.set_grad_enabled(backward):
        concat, edge = block(x)
        if backward:
            (concat.mean() + edge.mean()).backward()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--channels", type=int, default=64)
    parser.add_argument("--side", type=int, default=128)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--channels-last", action="store_true", help="NHWC input and weights")
    parser.add_argument("--forward-only", action="store_true", help="no backward pass")
    args = parser.parse_args()
    layout = torch.channels_last if args.channels_last else torch.contiguous_format
    backward = not args.forward_only

    torch.manual_seed(0)
    ours = EdgeBlock(args.channels, args.pool_size)
    naive = NaiveEdgeBlock(args.channels, args.pool_size)
    naive.conv.load_state_dict(ours.conv.state_dict())
    ours, naive = ours.to(memory_format=layout), naive.to(memory_format=layout)
    x = torch.rand(args.batch, args.channels, args.side, args.side)
    x = x.contiguous(memory_format=layout).requires_grad_(backward)
    with torch.no_grad():
        for a, b in zip(ours(x), naive(x), strict=True):
            torch.testing.assert_close(a, b)  # same numbers before timing them
    times: dict[str, list[float]] = {"faceloss": [], "naive": []}
    step(ours, x, backward), step(naive, x, backward)  # warm-up
    for _ in range(args.repeats):
        times["faceloss"].append(step(ours, x, backward))
        times["naive"].append(step(naive, x, backward))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {cpu_name()}")
    print(
        f"input {tuple(x.shape)}{' channels_last' if args.channels_last else ''}, "
        f"pool_size {args.pool_size}, {'forward' if args.forward_only else 'forward+backward'}, "
        f"median of {args.repeats}"
    )
    for name, value in med.items():
        print(f"{name:10s} {value * 1e3:8.1f} ms")
    print(f"naive / faceloss = {med['naive'] / med['faceloss']:.2f}x")


if __name__ == "__main__":
    main()
