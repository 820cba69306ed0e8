"""The ``eipnet upscale`` and ``eipnet evaluate`` commands: contract, files, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import reference_model.pretrained as pretrained
from reference_model import build_generator, save_weights
from reference_model.cli import SUBCOMMANDS, build_parser, main

CELEBA = "celeba_fsrnet1000/HR"


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread: on this shared 2-core machine more threads spin, 10x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    model = build_generator("torch", channels=(16, 8, 8, 8))
    return save_weights(model, tmp_path_factory.mktemp("weights") / "narrow.safetensors")


def _faces(folder: Path, sizes: dict[str, tuple[int, int]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (name, size) in enumerate(sizes.items()):
        pixels = np.random.default_rng(i).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / name)
        paths.append(folder / name)
    return paths


def _help(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_both_commands_are_registered() -> None:
    assert {"upscale", "evaluate"} <= set(SUBCOMMANDS)
    parser = build_parser()
    assert parser.parse_args(["upscale", "a.png", "--out", "o"]).command == "upscale"
    assert parser.parse_args(["evaluate", "--data", "d", "--out", "o"]).command == "evaluate"


def test_upscale_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help("upscale", capsys)
    for option in (
        "INPUT", "--out DIR", "--weights NAME|PATH", "--device", "--batch-size N",
        "--self-ensemble",
    ):  # fmt: skip
        assert option in text, option
    assert "default: cpu-small" in text and "128x128 PNG" in text


def test_evaluate_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help("evaluate", capsys)
    for option in (
        "--data DIR",
        "--out DIR",
        "--weights NAME|PATH",
        "--device",
        "--batch-size N",
        "--split {test,all,val,train}",
        "--backend {torch,keras}",
        "--limit N",
        "--self-ensemble",
    ):
        assert option in text, option
    for word in ("report.json", "report.md", "grid.png", "FR-PSNR", "TAR"):
        assert word in text, word


def test_defaults_are_the_contract() -> None:
    args = build_parser().parse_args(["evaluate", "--data", "d", "--out", "o"])
    assert (args.weights, args.device, args.batch_size) == ("cpu-small", "auto", 16)
    assert (args.split, args.backend, args.limit) == ("test", "torch", None)
    assert args.self_ensemble is False
    args = build_parser().parse_args(["upscale", "a", "b", "--out", "o"])
    assert (args.inputs, args.weights, args.self_ensemble) == (["a", "b"], "cpu-small", False)
    assert (
        build_parser().parse_args(["upscale", "a", "--out", "o", "--self-ensemble"]).self_ensemble
    )


def test_upscale_command_writes_pngs_and_notes_resizing(
    weights: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _faces(tmp_path / "in", {"a.png": (16, 16), "b.png": (32, 32)})
    argv = ["upscale", *map(str, inputs), "--out", str(tmp_path / "out"), "--weights"]
    code = main([*argv, str(weights), "--device", "cpu", "--batch-size", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png"]
    assert Image.open(tmp_path / "out" / "b.png").size == (128, 128)
    assert f"note: {inputs[1]}: 32x32 downscaled to 16x16 (progressive bilinear x2" in out
    assert "wrote 2 image(s)" in out


def test_upscale_uses_the_shipped_weights_by_default(
    weights: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "cpu-small.safetensors").write_bytes(weights.read_bytes())
    monkeypatch.setattr(pretrained, "PRETRAINED_DIR", shipped)
    (face,) = _faces(tmp_path / "in", {"face.png": (16, 16)})
    assert main(["upscale", str(face), "--out", str(tmp_path / "out"), "--device", "cpu"]) == 0
    assert (tmp_path / "out" / "face.png").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["upscale", "MISSING", "--out", "OUT"], r"error: input '.*missing\.png' does not exist"),
        (["upscale", "BAD", "--out", "OUT"], r"error: input '.*bad\.png' is not a readable image"),
        (
            ["evaluate", "--data", "MISSING", "--out", "OUT"],
            r"error: data: folder '.*missing\.png' does not exist",
        ),
        (["upscale", "GOOD", "--out", "OUT", "--weights", "nope"], r"no weights named 'nope'"),
    ],
)
def test_bad_inputs_exit_1_with_one_line_naming_them(
    argv: list[str],
    message: str,
    weights: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"no image here")
    (good,) = _faces(tmp_path, {"good.png": (16, 16)})
    names = {"MISSING": tmp_path / "missing.png", "BAD": bad, "GOOD": good, "OUT": tmp_path / "o"}
    argv = [str(names.get(a, a)) for a in argv]
    if "--weights" not in argv:
        argv += ["--weights", str(weights)]
    assert main([*argv, "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "option", [["--batch-size", "0"], ["--limit", "-1"], ["--split", "held-out"]]
)
def test_bad_option_values_are_usage_errors(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", "--data", "d", "--out", "o", *option])
    assert exit_info.value.code == 2
    assert option[0] in capsys.readouterr().err


def test_evaluate_command_writes_the_report_on_the_test_split(
    weights: Path, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    argv = ["evaluate", "--data", str(shared_data / CELEBA), "--weights", str(weights)]
    argv += ["--out", str(out), "--device", "cpu", "--batch-size", "2", "--limit", "3"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["grid.png", "report.json", "report.md"]
    report = json.loads((out / "report.json").read_text())
    assert report["data"]["split"] == "test" and report["data"]["images"] == 3
    assert report["data"]["files"] == 3 and report["data"]["limit"] == 3
    assert report["command"].startswith("eipnet evaluate --data")
    assert report["model"]["weights"] == str(weights) and report["model"]["backend"] == "torch"
    assert report["settings"]["batch_size"] == 2 and report["settings"]["device"] == "cpu"
    assert "| bicubic |" in printed and f"report: {out / 'report.md'}" in printed


def test_evaluate_split_all_scores_every_file(
    weights: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faces = _faces(tmp_path / "faces", {f"{i}.png": (128, 128) for i in range(3)})
    out = tmp_path / "out"
    argv = ["evaluate", "--data", str(faces[0].parent), "--split", "all", "--out", str(out)]
    assert main([*argv, "--weights", str(weights), "--device", "cpu"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["data"]["images"] == 3
    # random noise has no face: every image is skipped by the FR metrics, and counted
    assert report["face_region"]["skipped_no_face"] == 3
    assert report["results"]["EIPNet"]["fr_psnr"] is None
    assert "3 skipped (no face found)" in (out / "report.md").read_text()


@pytest.mark.slow
def test_evaluate_command_with_the_keras_backend(
    weights: Path, shared_data: Path, tmp_path: Path
) -> None:
    pytest.importorskip("keras")
    reports = {}
    for backend in ("torch", "keras"):
        out = tmp_path / backend
        argv = ["evaluate", "--data", str(shared_data / CELEBA), "--weights", str(weights)]
        argv += ["--out", str(out), "--device", "cpu", "--limit", "2", "--backend", backend]
        assert main(argv) == 0
        reports[backend] = json.loads((out / "report.json").read_text())
    assert reports["keras"]["model"]["backend"] == "keras"
    for key, value in reports["torch"]["results"]["EIPNet"].items():
        assert reports["keras"]["results"]["EIPNet"][key] == pytest.approx(value, abs=1e-3), key
