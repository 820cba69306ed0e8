"""The Canny benchmark scripts run (quick modes), so they cannot rot."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("cv2", reason="needs the opencv extra")


def run_script(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_speed_benchmark_quick_mode_prints_a_table_with_every_row():
    pytest.importorskip("kornia", reason="the benchmark compares with kornia")
    out = run_script("benchmarks/canny.py", "--quick")
    assert "| implementation | images/s (CPU time)" in out
    for row in ("faceloss.torch", "faceloss.tf", "faceloss.reference", "kornia", "cv2.Canny"):
        assert f"| {row}" in out, row
    assert out.count("| 4/4 |") == 6, out  # every faceloss row and cv2 itself agree with cv2


@pytest.mark.slow
def test_agreement_benchmark_on_a_few_faces_reports_exact_agreement(shared_data):
    out = run_script("benchmarks/canny_agreement.py", "--limit", "3", "--data", str(shared_data))
    rows = [line for line in out.splitlines() if line.startswith("| ") and "backend" not in line]
    assert len(rows) == 5 * 3 * 4
    assert all("| 3/3 | 100.000 | 1.0000 |" in row for row in rows), out
