"""The one atomic writer behind weights files, checkpoints and reports."""

from __future__ import annotations

import os
import stat

import pytest

from reference_model._atomic import atomic_path
from reference_model.evaluation import write_report


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_files_get_the_permissions_open_would_give(tmp_path) -> None:
    old = os.umask(0o027)
    try:
        with atomic_path(tmp_path / "deep" / "a.bin", suffix=".weights.h5") as tmp:
            assert tmp.name.startswith(".a.bin.") and tmp.name.endswith(".weights.h5")
            tmp.write_bytes(b"x")
        row = {"psnr": 22.5, "fr_psnr": 21.0, "ssim": 0.6, "fr_ssim": 0.55, "vif": 0.3}
        report = {"results": {"bicubic": row}, "gain": {}}
        paths = [tmp_path / "deep" / "a.bin", *write_report(report, tmp_path / "r")]
    finally:
        os.umask(old)
    for path in paths:  # not mkstemp's private 0600
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
