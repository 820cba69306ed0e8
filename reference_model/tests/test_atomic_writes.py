"""The one atomic writer behind weights files, checkpoints and reports."""

from __future__ import annotations

import os
import stat

import pytest

from reference_model._atomic import atomic_path, remove_leftovers
from reference_model.evaluation import write_report
from reference_model.training.checkpoint import atomic_save, checkpoint_path, prune


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


@pytest.mark.parametrize(
    ("name", "pattern", "suffix"),
    [
        ("step_000000002.pt", "step_*.pt", ".tmp"),  # the torch trainer's checkpoints
        ("step_000000002.weights.h5", "step_*.weights.h5", ".weights.h5"),
    ],  # Keras'
)
def test_remove_leftovers_deletes_what_a_kill_left_and_nothing_else(
    tmp_path, name, pattern, suffix
) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / name, suffix=suffix) as tmp:
        leftover = tmp.name
        raise KeyboardInterrupt
    (tmp_path / leftover).write_bytes(b"half")  # what a SIGKILL mid-write leaves
    (tmp_path / name).write_bytes(b"whole")
    (tmp_path / ".other.tmp").write_bytes(b"not ours")
    remove_leftovers(tmp_path, pattern, suffix=suffix)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp", name]


def test_pruning_torch_checkpoints_removes_a_killed_write(tmp_path) -> None:
    atomic_save({"step": 1}, checkpoint_path(tmp_path, 1))
    (tmp_path / ".step_000000002.pt.0a1b2c3d4e5f.tmp").write_bytes(b"half")
    prune(tmp_path, keep_last=3)
    assert [p.name for p in tmp_path.iterdir()] == ["step_000000001.pt"]
