"""The main job of ``scripts/demo.sh`` (examples/showcase.py) runs, and its implementations agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_showcase_runs_writes_its_picture_and_the_implementations_agree(tmp_path):
    result = subprocess.run(
        [sys.executable, "examples/showcase.py", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        # This checkout first, whether or not faceloss is installed in the environment.
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "faces.png").stat().st_size > 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][2:]
    assert len(rows) >= 12, result.stdout  # one row per component and comparison
    for line in rows:
        spread = float(line.rstrip(" |").rsplit("|", 1)[1])
        assert spread < 1e-6, line  # reference, torch and TF print the same number
