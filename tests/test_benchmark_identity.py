"""benchmarks/identity.py runs end to end in --quick mode and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_identity_benchmark_quick_prints_a_markdown_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "identity.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "| implementation | JSIdentityLoss forward + backward, ms/face" in result.stdout
    rows = [line for line in lines if line.startswith("| faceloss.")]
    assert len(rows) == 2
    for row in rows:
        step_ms = float(row.split("|")[2])
        assert step_ms > 0
