"""The metrics benchmark still runs (``--quick``) and prints its markdown table."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.slow
def test_metrics_benchmark_quick_mode_prints_the_table(capsys, shared_data) -> None:
    spec = importlib.util.spec_from_file_location(
        "benchmark_metrics", REPO_ROOT / "benchmarks" / "metrics.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--quick", "--data", str(shared_data)])
    out = capsys.readouterr().out
    assert "| metric | implementation | B=2 img/s | max abs diff vs skimage |" in out
    for name in ("faceloss.torch ssim", "faceloss.tf ssim", "faceloss.torch psnr", "tf.image.ssim"):
        assert f"| {name} |" in out
    assert "faceloss.tf ssim / tf.image.ssim" in out
