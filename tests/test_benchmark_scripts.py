"""Benchmark scripts keep running (smallest settings), so their tables can be regenerated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_parity_report_runs_and_prints_a_table():
    result = subprocess.run(
        [sys.executable, "benchmarks/parity.py", "--draws", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 6  # header, then 3 functions x 2 dtypes
