"""eipnet demo: the main job writes its report, pictures and numbers."""

from __future__ import annotations

import json

import pytest

from reference_model import build_generator, save_weights
from reference_model.cli import main
from reference_model.demo import run_demo, sample_face


@pytest.fixture()
def tiny_weights(tmp_path):
    return save_weights(
        build_generator("torch", channels=(16, 8, 8, 8)), tmp_path / "g.safetensors"
    )


def test_demo_without_shared_data_super_resolves_scores_and_trains(tiny_weights, tmp_path) -> None:
    out = tmp_path / "demo"
    summary = run_demo(
        out, tiny_weights, shared_data="", train_seconds=3, device="cpu", log=lambda m: None
    )
    assert set(summary["sample"]["results"]) == {"bicubic", "EIPNet"}
    assert summary["sample"]["results"]["bicubic"]["psnr"] > 18  # bicubic of a real face
    assert summary["train"]["steps"] >= 1
    assert summary["train"]["data"].endswith("train_faces")
    assert "celeba" not in summary
    for name in ("report.md", "demo.json", "sample/report/grid.png", "sample/sr/astronaut_lr16.png",
                 "train/generator.safetensors"):  # fmt: skip
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text()
    assert "![LR, bicubic, EIPNet, HR, edges](sample/report/grid.png)" in report
    assert json.loads((out / "demo.json").read_text())["weights"] == str(tiny_weights)


@pytest.mark.slow
def test_demo_command_with_shared_data_scores_the_held_out_celeba_split(
    tiny_weights, shared_data, tmp_path, capsys
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--weights", str(tiny_weights), "--data",
                 str(shared_data), "--train-seconds", "3", "--device", "cpu"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "CelebA-1000 held out" in printed and "report:" in printed
    summary = json.loads((out / "demo.json").read_text())
    assert summary["celeba"]["face_region"]["images"] == 99  # the test split of celeba_fsrnet1000
    assert "celeba_fsrnet1000" in summary["train"]["data"]
    assert (out / "celeba" / "grid.png").is_file()


def test_sample_face_is_the_astronauts_face() -> None:
    face = sample_face()
    assert face.shape == (128, 128, 3) and face.dtype.name == "uint8"
    assert 60 < face.mean() < 200
