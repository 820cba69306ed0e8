"""A small CPU ablation in the spirit of the paper's Table 5: which loss terms help.

Trains the ``cpu-small`` preset four times from the same seed for the same number of steps,
adding one term of eq. 11 at a time (L_rgb; + gamma L_e; + L_lc; + alpha L_id), then scores
each generator and bicubic on the held-out test split with ``eipnet evaluate``'s code
(PSNR, SSIM; no face-region metrics or TAR, to keep it short), and reports each run's
time per step. Equal steps, so the wall time differs by each term's cost (shown).

Usage: python benchmarks/ablation.py --data ../shared/data/celeba_fsrnet1000/HR
       [--steps 300] [--out benchmarks/_out/ablation] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from reference_model.evaluation import evaluate
from reference_model.pretrained import load_generator
from reference_model.training import load_config, train

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
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    out = Path(args.out)
    rows = []
    for name, overrides in RUNS:
        run = out / name.replace(" ", "").replace("+", "plus_")
        config = load_config(
            "cpu-small",
            [*overrides, f"train.steps={args.steps}", f"train.threads={args.threads}",
             "train.val_every=100000", f"train.checkpoint_every={args.steps}"],
        )  # fmt: skip
        summary = train(config, args.data, run, device=args.device, quiet=True)
        report = evaluate(
            load_generator(run / "generator.safetensors"), args.data, run / "eval", split="test",
            device=args.device, identity=False, detector=_no_detector(), grid_faces=0, progress=False,
        )  # fmt: skip
        rows.append((name, summary, report["results"]))
        print(f"{name}: {summary['seconds'] / max(summary['steps_run'], 1):.3f} s/step", flush=True)
    bicubic = rows[0][2]["bicubic"]
    print(f"\n{args.steps} steps of cpu-small, batch 16, seed 0; {len(RUNS)} runs; test split\n")
    print("| losses | PSNR (dB) | SSIM | gain over bicubic (dB) | s/step |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bicubic | {bicubic['psnr']:.2f} | {bicubic['ssim']:.4f} | 0.00 | - |")
    for name, summary, results in rows:
        model = results["EIPNet"]
        seconds = summary["seconds"] / max(summary["steps_run"], 1)
        print(
            f"| {name} | {model['psnr']:.2f} | {model['ssim']:.4f} | "
            f"{model['psnr'] - bicubic['psnr']:+.2f} | {seconds:.3f} |"
        )
    (out / "ablation.json").write_text(
        json.dumps([(n, s, r) for n, s, r in rows], indent=2, default=str)
    )


def _no_detector():
    from faceloss.detect import ExplicitBoxes

    return ExplicitBoxes((0, 0, 128, 128))


if __name__ == "__main__":
    main()
