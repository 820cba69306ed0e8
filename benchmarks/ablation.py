"""A small CPU ablation in the spirit of the paper's Table 5: which loss terms help.

Trains the ``cpu-small`` preset four times from the same seed for the same number of steps,
adding one term of eq. 11 at a time (L_rgb; + gamma L_e; + L_lc; + alpha L_id), then scores
each generator and bicubic on the held-out test split with ``eipnet evaluate``'s code
(PSNR, SSIM; no face-region metrics or TAR, to keep it short), and reports each run's
time per step. Equal steps, so the wall time differs by each term's cost (shown). The runs
train ``--parallel`` at a time, each an ``eipnet train`` process with one torch thread (two
threads on two cores are slower than one here).

Usage: python benchmarks/ablation.py --data ../shared/data/celeba_fsrnet1000/HR
       [--steps 300] [--parallel 2] [--out benchmarks/_out/ablation] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _eipnet_runs import log_records, psnr_ssim, train_command, train_in_parallel

RUNS = [
    ("L_rgb", ["loss.edge=0.0", "loss.lc=0.0", "loss.identity=0.0"]),
    ("+ L_e", ["loss.edge=0.3", "loss.lc=0.0", "loss.identity=0.0"]),
    ("+ L_lc", ["loss.edge=0.3", "loss.lc=1.0", "loss.identity=0.0"]),
    ("+ L_id", ["loss.edge=0.3", "loss.lc=1.0", "loss.identity=1.0"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--out", default="benchmarks/_out/ablation")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    out = Path(args.out)
    runs = [
        (name, overrides, out / name.replace(" ", "").replace("+", "plus_"))
        for name, overrides in RUNS
    ]
    commands = [
        train_command(
            args.data,
            run,
            args.steps,
            args.device,
            "train.val_every=100000",
            f"train.checkpoint_every={args.steps}",
            *overrides,
        )
        for _, overrides, run in runs
    ]
    train_in_parallel(commands, args.parallel)
    rows = []
    for name, _, run in runs:
        speeds = [r["images_per_s"] for r in log_records(run) if "images_per_s" in r]
        summary = {"seconds_per_step": 16 / (sum(speeds) / len(speeds))}
        results = psnr_ssim(
            run / "generator.safetensors", args.data, run / "eval", "test", args.device
        )
        rows.append((name, summary, results))
    bicubic = rows[0][2]["bicubic"]
    print(
        f"{args.steps} steps of cpu-small, batch 16, seed 0, {args.parallel} runs at a time; test split\n"
    )
    print("| losses | PSNR (dB) | SSIM | gain over bicubic (dB) | s/step |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bicubic | {bicubic['psnr']:.2f} | {bicubic['ssim']:.4f} | 0.00 | - |")
    for name, summary, results in rows:
        model = results["EIPNet"]
        seconds = summary["seconds_per_step"]
        print(
            f"| {name} | {model['psnr']:.2f} | {model['ssim']:.4f} | "
            f"{model['psnr'] - bicubic['psnr']:+.2f} | {seconds:.3f} |"
        )
    (out / "ablation.json").write_text(
        json.dumps([(n, s, r) for n, s, r in rows], indent=2, default=str)
    )


if __name__ == "__main__":
    main()
