"""The faceloss wheel carries faceloss only; the reference model is its own distribution."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build_wheel(project: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(project)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    (wheel,) = out.glob("*.whl")
    return wheel


def _top_level_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name.split("/", 1)[0] for name in archive.namelist()}


@pytest.mark.slow
def test_faceloss_wheel_has_no_reference_model_or_tests(tmp_path) -> None:
    wheel = _build_wheel(ROOT, tmp_path / "faceloss")
    names = {n for n in _top_level_names(wheel) if not n.endswith(".dist-info")}
    assert names == {"faceloss"}, names


@pytest.mark.slow
def test_eipnet_wheel_holds_reference_model_with_its_presets(tmp_path) -> None:
    wheel = _build_wheel(ROOT / "reference_model", tmp_path / "eipnet")
    assert wheel.name.startswith("eipnet-")
    names = {n for n in _top_level_names(wheel) if not n.endswith(".dist-info")}
    assert names == {"reference_model"}, names
    with zipfile.ZipFile(wheel) as archive:
        files = set(archive.namelist())
        metadata = next(n for n in files if n.endswith(".dist-info/METADATA"))
        requires = [
            line for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist")
        ]  # fmt: skip
        entry_points = archive.read(metadata.replace("METADATA", "entry_points.txt")).decode()
    assert {
        f"reference_model/configs/{p}.toml" for p in ("paper", "official", "cpu-small")
    } <= files
    assert any(r.startswith("Requires-Dist: faceloss[") for r in requires), requires
    assert "eipnet = reference_model.cli:main" in entry_points
