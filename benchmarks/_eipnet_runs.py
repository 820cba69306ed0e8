"""Shared by the benchmarks that train the reference model several times (ablation, data scaling).

Each run is an ``eipnet train`` process with one torch thread (two threads on two cores are
slower than one here), ``parallel`` of them at a time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from subprocess import Popen


def train_command(
    data: str | Path, run: str | Path, steps: int, device: str, *sets: str
) -> list[str]:
    """``python -m reference_model train --config cpu-small`` with ``--set`` for each item."""
    command = [sys.executable, "-m", "reference_model", "train", "--config", "cpu-small",
               "--data", str(data), "--out", str(run), "--steps", str(steps),
               "--device", device, "--quiet", "--set", "train.threads=1"]  # fmt: skip
    for item in sets:
        command += ["--set", item]
    return command


def train_in_parallel(commands: Sequence[list[str]], parallel: int) -> None:
    """Run the training commands ``parallel`` at a time; stop at the first that fails."""
    for start in range(0, len(commands), parallel):
        processes = [Popen(command) for command in commands[start : start + parallel]]
        for process in processes:
            if process.wait() != 0:
                raise SystemExit(f"a training run failed: {process.args}")


def log_records(run: str | Path) -> list[dict]:
    """The run's ``log.jsonl``: one dict per logged step (losses, speed) or validation."""
    return [json.loads(line) for line in (Path(run) / "log.jsonl").read_text().splitlines()]


def psnr_ssim(
    weights: str | Path, data: str | Path, out: str | Path, split: str, device: str
) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of a generator and of bicubic on ``data``'s ``split``, over whole images.

    ``eipnet evaluate``'s code without face detection (each face region is the whole 128x128
    image) or TAR, to keep it short. Returns the report's ``results``: ``{"EIPNet": {...},
    "bicubic": {...}}`` with ``"psnr"`` (dB) and ``"ssim"`` among the keys.
    """
    from faceloss.detect import ExplicitBoxes
    from reference_model.evaluation import evaluate
    from reference_model.pretrained import load_generator

    report = evaluate(
        load_generator(weights), data, out, split=split, device=device, identity=False,
        detector=ExplicitBoxes((0, 0, 128, 128)), grid_faces=0, progress=False,
    )  # fmt: skip
    return report["results"]
