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


def whole_face_detector():
    """A "detector" that returns the whole 128x128 image, so evaluation skips face detection."""
    from faceloss.detect import ExplicitBoxes

    return ExplicitBoxes((0, 0, 128, 128))
