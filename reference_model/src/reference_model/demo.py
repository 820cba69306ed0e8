"""The main job: EIPNet super-resolves a face, is scored against bicubic, and trains a minute.

What ``eipnet demo`` runs (see :func:`run_demo`); everything lands in one folder with a
``report.md`` that shows the pictures and the numbers.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from reference_model.pretrained import DEFAULT_WEIGHTS, load_generator, resolve_weights

SAMPLE_CROP = (20, 200, 150, 330)
"""Rows and columns of the face in ``skimage.data.astronaut()`` (Eileen Collins), 180x180."""


def sample_face() -> np.ndarray:
    """The demo's embedded face: ``skimage.data.astronaut()`` cropped to the face, 128x128.

    Returns:
        uint8 RGB :math:`(128, 128, 3)`.

    Example:
        >>> sample_face().shape
        (128, 128, 3)
    """
    from skimage.data import astronaut

    top, bottom, left, right = SAMPLE_CROP
    face = Image.fromarray(astronaut()[top:bottom, left:right])
    return np.asarray(face.resize((128, 128), Image.BILINEAR, reducing_gap=None))


def _training_faces(folder: Path, count: int = 48) -> Path:
    """Variants of the sample face (shifted crops, flips) to train on without other data."""
    from skimage.data import astronaut

    rng = np.random.default_rng(0)
    image = astronaut()
    folder.mkdir(parents=True, exist_ok=True)
    top, _, left, _ = SAMPLE_CROP
    for i in range(count):
        dy, dx = rng.integers(-12, 13, size=2)
        side = int(rng.integers(160, 200))
        y0, x0 = max(top + dy, 0), max(left + dx, 0)
        crop = Image.fromarray(image[y0 : y0 + side, x0 : x0 + side])
        if i % 2:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        crop.resize((128, 128), Image.BILINEAR).save(folder / f"astronaut_{i:02d}.png")
    return folder


def default_shared_data() -> Path | None:
    """``$FACELOSS_SHARED_DATA``, else ``../shared/data`` from the working folder, if present.

    Example:
        >>> default_shared_data() is None or default_shared_data().is_dir()
        True
    """
    candidates = [os.environ.get("FACELOSS_SHARED_DATA"), "../shared/data"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def run_demo(
    out: str | os.PathLike[str],
    weights: str | os.PathLike[str] = DEFAULT_WEIGHTS,
    shared_data: str | os.PathLike[str] | None = None,
    train_seconds: float = 60.0,
    device: str = "auto",
    batch_size: int = 16,
    log: Any = print,
) -> dict[str, Any]:
    """Super-resolve the sample, score it, train ``cpu-small`` briefly, score CelebA if present.

    1. ``sample/``: the astronaut's face (HR 128x128) and its 16x16 LR (the paper's
       progressive bilinear x8 downscaling), super-resolved by ``weights`` with ``eipnet
       upscale``'s code, then scored against bicubic by ``eipnet evaluate``'s code
       (``sample/report.md``, ``sample/grid.png``).
    2. ``train/``: the ``cpu-small`` preset trained for ``train_seconds`` on the training
       split of CelebA-1000 when ``shared_data`` holds it, else on variants of the sample
       face, to show the loop running (loss, speed, checkpoint).
    3. ``celeba/`` (only with ``shared_data``): the shipped model scored on the held-out
       test split of CelebA-1000 against bicubic.

    Args:
        out: the output folder.
        weights: shipped weights name or ``.safetensors`` path.
        shared_data: the folder holding ``celeba_fsrnet1000/`` (default:
            :func:`default_shared_data`); ``""`` to skip the CelebA steps.
        train_seconds: length of the training demonstration (0 to skip it).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``...
        batch_size: evaluation batch size.
        log: where progress lines go.

    Returns:
        A summary (also written as ``out/demo.json``) with the sample, training and CelebA
        results and the paths of every file.
    """
    from reference_model.evaluation import evaluate, upscale
    from reference_model.training import load_config, train

    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shared = (
        default_shared_data()
        if shared_data is None
        else (Path(shared_data) if shared_data else None)
    )
    weights_path = resolve_weights(weights)
    model = load_generator(weights_path)
    summary: dict[str, Any] = {"weights": str(weights_path), "out": str(out)}

    # 1. the embedded sample
    log(f"[1/3] super-resolving the sample face with {weights_path.name}")
    from reference_model.data import degrade

    sample = out / "sample"
    (sample / "hr").mkdir(parents=True, exist_ok=True)
    hr = sample_face()
    Image.fromarray(hr).save(sample / "hr" / "astronaut.png")
    lr = degrade(hr.astype(np.float32) / 255.0)
    Image.fromarray(np.round(lr * 255).astype(np.uint8)).save(sample / "astronaut_lr16.png")
    written = upscale(model, [sample / "astronaut_lr16.png"], sample / "sr", device=device)
    report = evaluate(
        model, sample / "hr", sample / "report", device=device, batch_size=batch_size,
        grid_faces=1, progress=False, command="eipnet demo",
    )  # fmt: skip
    summary["sample"] = {
        "sr": [str(p) for p in written],
        "report": str(sample / "report" / "report.md"),
        "grid": str(sample / "report" / "grid.png"),
        "results": report["results"],
    }

    # 2. a minute of training
    if train_seconds > 0:
        celeba = shared / "celeba_fsrnet1000" / "HR" if shared else None
        data = celeba if celeba and celeba.is_dir() else _training_faces(out / "train_faces")
        log(f"[2/3] training cpu-small for {train_seconds:.0f} s on {data}")
        overrides = [f"train.time_limit={train_seconds}", "train.steps=100000",
                     "train.log_every=5", "train.val_every=1000000"]  # fmt: skip
        if data != celeba:
            overrides += ["data.val_fraction=0.0", "data.test_fraction=0.0"]
        run = out / "train"
        result = train(load_config("cpu-small", overrides), data, run, device=device, quiet=True,
                       command="eipnet demo")  # fmt: skip
        records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
        losses = [r for r in records if "loss/total" in r]
        summary["train"] = {
            "data": str(data),
            "steps": result["step"],
            "seconds": result["seconds"],
            "first_loss": losses[0]["loss/total"] if losses else None,
            "last_loss": losses[-1]["loss/total"] if losses else None,
            "images_per_s": losses[-1]["images_per_s"] if losses else None,
            "run": str(run),
        }

    # 3. the held-out CelebA-1000 faces
    celeba = shared / "celeba_fsrnet1000" / "HR" if shared else None
    if celeba is not None and celeba.is_dir():
        log(f"[3/3] scoring {weights_path.name} on the held-out CelebA-1000 split")
        report = evaluate(
            model, celeba, out / "celeba", split="test", device=device, batch_size=batch_size,
            progress=False, command="eipnet demo",
        )  # fmt: skip
        summary["celeba"] = {
            "report": str(out / "celeba" / "report.md"),
            "grid": str(out / "celeba" / "grid.png"),
            "results": report["results"],
            "face_region": report["face_region"],
        }
    else:
        log("[3/3] ../shared/data not found: skipping the CelebA-1000 evaluation")
    summary["seconds"] = time.perf_counter() - started
    (out / "demo.json").write_text(json.dumps(summary, indent=2, default=str))
    (out / "report.md").write_text(_markdown(summary, out))
    return summary


def _row(name: str, values: dict[str, Any]) -> str:
    formats = {"psnr": "{:.2f}", "fr_psnr": "{:.2f}", "ssim": "{:.4f}", "fr_ssim": "{:.4f}",
               "vif": "{:.4f}", "tar@0.5": "{:.1f}"}  # fmt: skip
    shown = ["-" if values.get(k) is None else f.format(values[k]) for k, f in formats.items()]
    return f"| {name} | " + " | ".join(shown) + " |"


def _table(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| method | PSNR (dB) | FR-PSNR (dB) | SSIM | FR-SSIM | VIF | TAR d=0.5 (%) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    return lines + [_row(name, values) for name, values in results.items()]


def _markdown(summary: dict[str, Any], out: Path) -> str:
    def rel(path: str) -> str:
        return os.path.relpath(path, out)

    lines = ["# EIPNet demo", "", f"Weights: `{summary['weights']}`.", ""]
    sample = summary["sample"]
    lines += ["## The sample face (skimage's astronaut), 16x16 -> 128x128", "",
              f"![LR, bicubic, EIPNet, HR, edges]({rel(sample['grid'])})", ""]  # fmt: skip
    lines += [*_table(sample["results"]), ""]
    if "train" in summary:
        t = summary["train"]
        lines += ["## A minute of training (cpu-small preset)", "",
                  f"{t['steps']} steps in {t['seconds']:.0f} s on `{t['data']}` "
                  f"({t['images_per_s']:.1f} images/s): total loss {t['first_loss']:.4f} at the "
                  f"first logged step, {t['last_loss']:.4f} at the last. Run folder: "
                  f"`{rel(t['run'])}` (checkpoint, log, TensorBoard).", ""]  # fmt: skip
    if "celeba" in summary:
        c = summary["celeba"]
        fr = c["face_region"]
        lines += ["## Held-out CelebA-1000 faces", "",
                  f"![LR, bicubic, EIPNet, HR, edges]({rel(c['grid'])})", ""]  # fmt: skip
        lines += _table(c["results"])
        lines += ["", f"{fr.get('images')} faces; the detector found no face in "
                  f"{fr.get('skipped_no_face')} (skipped by FR-PSNR/FR-SSIM). Full report: "
                  f"`{rel(c['report'])}`.", ""]  # fmt: skip
    lines += [f"Demo time: {summary['seconds']:.0f} s.", ""]
    return "\n".join(lines)
