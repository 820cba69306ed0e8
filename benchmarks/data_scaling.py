"""How the held-out gain of the ``cpu-small`` recipe grows with the number of training faces.

Trains the ``cpu-small`` preset on nested random subsets of CelebA-1000's training split
(by default 1/8, 1/4, 1/2 and all of its 853 faces) from the same seed for the same number
of steps, with the validation and test faces unchanged: each subset is a folder of links to
the 1000 images plus a CelebA ``list_eval_partition.txt`` that puts the chosen faces in
training and the usual 48 and 99 in validation and test (the other training faces are left
out, with a warning). Each run's best checkpoint by validation PSNR, as for the shipped
model, is scored against bicubic on the held-out test split and, with ``--helen``, on
Helen-50 (PSNR and SSIM over the whole image, no face detection). Below the table: what
each step up in faces added (per doubling, as the sizes need not double exactly), which
says whether more faces alone would raise the gain at this network size and training
length.

Running the same command again reuses finished runs (``eipnet train`` resumes from a run's
latest checkpoint; a finished one stops at once), so the table can be re-printed cheaply.

Usage: python benchmarks/data_scaling.py --data ../shared/data/celeba_fsrnet1000/HR
       [--helen ../shared/data/helen_fsrnet50/HR] [--sizes 107 213 427 853] [--steps 4000]
       [--parallel 2] [--out benchmarks/_out/data_scaling] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _eipnet_runs import log_records, psnr_ssim, train_command, train_in_parallel

from reference_model.data import split_files


def make_subset(data: Path, folder: Path, chosen: list[Path]) -> None:
    """A folder of links to ``data``'s images whose partition file trains on ``chosen`` only."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen_names = {path.name for path in chosen}
    lines = []
    for split, label in (("train", 0), ("val", 1), ("test", 2)):
        for path in split_files(data, split):
            link = folder / path.name
            if not link.is_symlink():
                link.symlink_to(path.resolve())
            if label or path.name in chosen_names:
                lines.append(f"{path.name} {label}")
    (folder / "list_eval_partition.txt").write_text("\n".join(lines) + "\n")


def score(run: Path, data: str, split: str, device: str) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of the run's best checkpoint and of bicubic on ``data``'s ``split``."""
    out = run / f"eval-{Path(data).parent.name}"
    return psnr_ssim(run / "best.safetensors", data, out, split, device)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", required=True, help="CelebA-1000's HR folder")
    parser.add_argument("--helen", help="Helen-50's HR folder, scored as a whole")
    parser.add_argument("--sizes", type=int, nargs="+", default=[107, 213, 427, 853])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/_out/data_scaling")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    data, out = Path(args.data), Path(args.out)
    sizes = sorted(set(args.sizes))

    train = sorted(split_files(data, "train"))
    if not 0 < sizes[0] <= sizes[-1] <= len(train):
        parser.error(f"--sizes must be between 1 and the {len(train)} training faces")
    order = list(train)
    random.Random(0).shuffle(order)  # nested subsets: each holds the smaller ones
    runs = {size: out / f"run-{size}" for size in sizes}
    for size in sizes:
        make_subset(data, out / f"data-{size}", order[:size])
    commands = [train_command(out / f"data-{size}", runs[size], args.steps, args.device)
                for size in sizes]  # fmt: skip
    train_in_parallel(commands, args.parallel)

    rows = []
    for size, run in runs.items():
        val = max(r["val/psnr"] for r in log_records(run) if "val/psnr" in r)
        sets = {"test": score(run, args.data, "test", args.device)}
        if args.helen:
            sets["Helen-50"] = score(run, args.helen, "all", args.device)
        rows.append({"faces": size, "val_psnr": val, "results": sets})
    (out / "data_scaling.json").write_text(json.dumps(rows, indent=2))

    names = list(rows[0]["results"])
    print(f"cpu-small, {args.steps} steps of batch 16, seed 0, best checkpoint by validation")
    print("(48 faces); gain in PSNR over bicubic (SSIM gain in brackets)\n")
    print("| training faces | best val PSNR (dB) | " + " | ".join(names) + " |")
    print("|---:|---:|" + "---:|" * len(names))
    for row in rows:
        cells = []
        for name in names:
            model, bicubic = row["results"][name]["EIPNet"], row["results"][name]["bicubic"]
            cells.append(
                f"{model['psnr'] - bicubic['psnr']:+.2f} dB ({model['ssim'] - bicubic['ssim']:+.4f})"
            )
        print(f"| {row['faces']} | {row['val_psnr']:.2f} | " + " | ".join(cells) + " |")
    if len(rows) >= 2:
        print()
        for name in names:
            gains = [
                r["results"][name]["EIPNet"]["psnr"] - r["results"][name]["bicubic"]["psnr"]
                for r in rows
            ]
            steps = []
            for i in range(1, len(rows)):
                doublings = math.log2(rows[i]["faces"] / rows[i - 1]["faces"])
                per_doubling = (gains[i] - gains[i - 1]) / doublings
                steps.append(f"{rows[i - 1]['faces']} -> {rows[i]['faces']}: {per_doubling:+.2f}")
            print(f"{name}, dB of gain per doubling of the faces: " + ", ".join(steps))


if __name__ == "__main__":
    main()
