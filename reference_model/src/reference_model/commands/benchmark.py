"""``eipnet benchmark``: generator throughput and the training step's cost per loss term."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``benchmark`` and its options."""
    p = sub.add_parser(
        "benchmark",
        help="measure generator throughput and the cost of each loss term",
        description=(
            "Forward throughput of the generator (images/s, and GFLOP/s as a fraction of the "
            "float32 matmul rate measured in the same run), then the time of one training "
            "step and of each loss term of eq. 11 (forward + backward). Best of --repeats runs."
        ),
    )
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N (default: auto)")
    p.add_argument("--batch-size", type=int, default=16, help="images per pass (default 16)")
    p.add_argument(
        "--channels", type=int, nargs=4, default=[512, 256, 128, 64], metavar="C",
        help="generator widths (default: Table 1's 512 256 128 64)",
    )  # fmt: skip
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per figure (default 3)")
    p.add_argument(
        "--amp", choices=["off", "bf16", "fp16"], default="off",
        help="autocast dtype for the timed passes (default off: float32)",
    )  # fmt: skip
    p.add_argument(
        "--no-identity", action="store_true", help="skip the identity term (slow on CPU)"
    )


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Print the two tables."""
    import torch

    from reference_model.benchmark import (
        convolution_macs,
        cpu_name,
        forward_rate,
        loss_term_costs,
        matmul_gflops,
        threads,
    )
    from reference_model.networks import build_generator
    from reference_model.training.distributed import resolve_device

    device = resolve_device(args.device)
    dtype = {"off": None, "bf16": torch.bfloat16, "fp16": torch.float16}[args.amp]
    channels = tuple(args.channels)
    with threads(args.threads if device.type == "cpu" else 0):
        where = cpu_name() if device.type == "cpu" else torch.cuda.get_device_name(device)
        rate = matmul_gflops(device, args.repeats, 1024 if device.type == "cpu" else 8192)
        macs = convolution_macs(channels)
        model = build_generator("torch", channels=channels).to(device).eval()
        seconds = forward_rate(model, args.batch_size, device, dtype, args.repeats)
        achieved = 2 * macs * args.batch_size / seconds / 1e9
        print(
            f"# {where}, {torch.get_num_threads()} thread(s), torch {torch.__version__}, amp {args.amp}"
        )
        print(f"# generator {channels}: {macs / 1e9:.2f} GMAC per image (convolutions)")
        print(f"# float32 matmul rate: {rate:.1f} GFLOP/s\n")
        print("| batch | images/s | ms/batch | GFLOP/s | of fp32 matmul rate |")
        print("|---:|---:|---:|---:|---:|")
        print(
            f"| {args.batch_size} | {args.batch_size / seconds:.2f} | {seconds * 1e3:.1f} "
            f"| {achieved:.1f} | {achieved / rate:.2f} |\n"
        )
        costs = loss_term_costs(
            channels, args.batch_size, device, dtype, args.repeats, identity=not args.no_identity
        )
        step = costs.pop("generator step")
        print("| part | ms | of a generator step |")
        print("|---|---:|---:|")
        print(f"| generator step (forward, backward, Adam; L_rgb) | {step * 1e3:.1f} | 1.00 |")
        for name, value in costs.items():
            print(
                f"| loss term {name} (forward + backward) | {value * 1e3:.1f} | {value / step:.3f} |"
            )
    return 0
