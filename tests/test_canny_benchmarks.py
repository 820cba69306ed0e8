"""The Canny benchmark scripts run (quick modes, in-process), so they cannot rot."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import REPO_ROOT

pytest.importorskip("cv2", reason="needs the opencv extra")


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_speed_benchmark_quick_mode_prints_a_table_with_every_row(shared_data, capsys):
    pytest.importorskip("kornia", reason="the benchmark compares with kornia")
    torch = pytest.importorskip("torch", reason="needs the torch extra")
    threads = torch.get_num_threads()
    try:
        assert load_script("canny").main(["--quick", "--data", str(shared_data)]) == 0
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    assert "| implementation | images/s (CPU time)" in out
    for row in ("faceloss.torch", "faceloss.tf", "faceloss.reference", "kornia", "cv2.Canny"):
        assert f"| {row}" in out, row
    assert out.count("| 4/4 |") == 6, out  # every faceloss row and cv2 itself agree with cv2


@pytest.mark.slow
def test_agreement_benchmark_on_a_few_faces_reports_exact_agreement(shared_data, capsys):
    script = load_script("canny_agreement")
    assert script.main(["--limit", "2", "--data", str(shared_data)]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "backend" not in line]
    assert len(rows) == 5 * 3 * 4
    assert all("| 2/2 | 100.000 | 1.0000 |" in row for row in rows), out
