"""The detector benchmark still runs and prints its markdown table (on a few images)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
def test_detectors_benchmark_prints_the_table(capsys, shared_data) -> None:
    pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    spec = importlib.util.spec_from_file_location(
        "benchmark_detectors", REPO_ROOT / "benchmarks" / "detectors.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--quick", "--limit", "3", "--data", str(shared_data)])
    out = capsys.readouterr().out
    assert "| detector | data set | images | found | ms/img | time vs peer |" in out
    rows = [
        line
        for line in out.splitlines()
        if line.startswith("| faceloss DlibHOGDetector(upsample=1)")
    ]
    assert len(rows) == 2 and all("| 3 |" in row and "x |" in row for row in rows)
