"""Benchmark scripts keep running (smallest settings), so their tables can be regenerated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_parity_report_runs_and_prints_a_table():
    result = _run_script("benchmarks/parity.py", "--draws", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 6  # header, then 3 functions x 2 dtypes


def test_edge_block_benchmark_checks_agreement_and_prints_both_timings():
    small = ["--repeats", "1", "--batch", "2", "--channels", "4", "--side", "32"]
    result = _run_script("benchmarks/edge_block.py", *small)
    assert result.returncode == 0, result.stderr[-2000:]  # includes the outputs-agree check
    assert "input (2, 4, 32, 32), pool_size 10" in result.stdout
    for name in ("faceloss", "naive"):
        assert re.search(rf"^{name} +\d+\.\d ms$", result.stdout, re.M), result.stdout
    assert re.search(r"^naive / faceloss = \d+\.\d\dx$", result.stdout, re.M), result.stdout


def test_edge_block_benchmark_runs_channels_last_forward_only():
    small = ["--repeats", "1", "--batch", "2", "--channels", "4", "--side", "32"]
    result = _run_script("benchmarks/edge_block.py", *small, "--channels-last", "--forward-only")
    assert result.returncode == 0, result.stderr[-2000:]  # includes the outputs-agree check
    assert "input (2, 4, 32, 32) channels_last, pool_size 10, forward," in result.stdout


def test_half_precision_table_runs_for_one_case():
    result = _run_script("benchmarks/half_precision.py", "--only", "psnr")
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^psnr +torch +\d", result.stdout, re.M), result.stdout
    assert re.search(r"^psnr +tf +\d", result.stdout, re.M), result.stdout


def test_adversarial_canny_benchmark_checks_cv2_and_prints_the_ratios():
    result = _run_script("benchmarks/canny_adversarial.py", "--sizes", "64")
    assert result.returncode == 0, result.stderr[-2000:]  # includes the cv2 check
    assert re.search(r"^ +64 +\d+\.\d\ds", result.stdout, re.M), result.stdout


@pytest.mark.slow
def test_data_scaling_benchmark_trains_nested_subsets_and_prints_increments(shared_data, tmp_path):
    celeba = shared_data / "celeba_fsrnet1000" / "HR"
    result = _run_script(
        "benchmarks/data_scaling.py", "--data", str(celeba), "--sizes", "16", "32",
        "--steps", "1", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    rows = re.findall(r"^\| (\d+) \| \d+\.\d\d \| [+-]\d+\.\d\d dB \([+-]\d\.\d{4}\) \|$",
                      result.stdout, re.M)  # fmt: skip
    assert rows == ["16", "32"], result.stdout
    increments = r"^test, dB of gain per doubling of the faces: 16 -> 32: [+-]\d\.\d\d$"
    assert re.search(increments, result.stdout, re.M), result.stdout
    partition = (tmp_path / "data-16" / "list_eval_partition.txt").read_text().split("\n")
    labels = [line.split()[1] for line in partition if line]
    assert (labels.count("0"), labels.count("1"), labels.count("2")) == (16, 48, 99)
    small = {line for line in partition if line.endswith(" 0")}
    large = (tmp_path / "data-32" / "list_eval_partition.txt").read_text().split("\n")
    assert small < {line for line in large if line.endswith(" 0")}  # nested subsets
