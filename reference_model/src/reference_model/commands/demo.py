"""``eipnet demo``: the project's main job (super-resolve, score, train a minute)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``demo`` and its options."""
    p = sub.add_parser(
        "demo",
        help="super-resolve a sample face, score it against bicubic, train a minute",
        description=(
            "The main job: the shipped EIPNet super-resolves the face of skimage's astronaut "
            "(16x16 -> 128x128) and is scored against bicubic; the cpu-small preset trains "
            "for --train-seconds to show the loop working; with the shared data folder, the "
            "shipped model is also scored on the held-out CelebA-1000 split. Writes "
            "OUT/report.md with the pictures and the numbers."
        ),
    )
    p.add_argument("--out", default="demo_out", help="output folder (default: demo_out)")
    p.add_argument("--weights", default="cpu-small", help="shipped name or .safetensors path")
    p.add_argument(
        "--data", default=None, metavar="DIR",
        help="folder holding celeba_fsrnet1000/ (default: $FACELOSS_SHARED_DATA or "
        "../shared/data when present; '' to skip)",
    )  # fmt: skip
    p.add_argument("--train-seconds", type=float, default=60.0, help="training time (default 60)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N (default: auto)")
    p.add_argument("--batch-size", type=int, default=16, help="evaluation batch size (default 16)")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run the demo and print where everything is."""
    from reference_model.demo import run_demo

    summary = run_demo(
        args.out, args.weights, args.data, args.train_seconds, args.device, args.batch_size
    )
    sample = summary["sample"]["results"]
    print("\nsample face, PSNR (dB):  bicubic {:.2f}  EIPNet {:.2f}".format(
        sample["bicubic"]["psnr"], sample["EIPNet"]["psnr"]))  # fmt: skip
    if "celeba" in summary:
        c = summary["celeba"]["results"]
        print("CelebA-1000 held out:    bicubic {:.2f}  EIPNet {:.2f}".format(
            c["bicubic"]["psnr"], c["EIPNet"]["psnr"]))  # fmt: skip
    print(f"\nreport: {summary['out']}/report.md (pictures: sample/report/grid.png"
          f"{', celeba/grid.png' if 'celeba' in summary else ''}); took {summary['seconds']:.0f} s")  # fmt: skip
    return 0
