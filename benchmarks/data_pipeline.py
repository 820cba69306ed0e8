"""EIPNet data pipeline throughput (torch DataLoader, tf.data) and a sample grid PNG.

Measures, on the real faces of ../shared/data (layout detected per folder):

* images/s through ``reference_model.data.make_torch_loader`` (batch 16, 2 workers,
  paper augmentation), with the edge targets made by faceloss's NumPy reference in the
  workers, and without them (``edge_targets="none"``) with ``edges_torch`` run on each
  batch in the main process (the "on device" path, here the CPU);
* the cost of the edge targets of one batch of 16 by each path, in one process;
* images/s through ``make_tf_dataset`` (the same samples) with 2 parallel calls;
* the same DataLoader over the unaligned ``celeba_wild_identity`` photos (VGGFace2
  layout: larger JPEGs, centre crop 0.7 x min(h, w)).

The main process runs torch at ``torch.set_num_threads(1)`` (as the training step
calibration of issue 8); data workers are separate processes. It then writes a PNG grid
(rows: faces, the last two with the official code's rotation forced on; columns: HR, LR upscaled x8 nearest, edge targets at 32, 64, 128 px
upscaled nearest, and the 128 px edges with the official fixed thresholds (50, 255)).

    python benchmarks/data_pipeline.py --grid /tmp/eipnet_grid.png
    python benchmarks/data_pipeline.py --grid /tmp/g.png --quick   # smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import torch
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "reference_model" / "src"))
sys.path.insert(0, str(REPO))

from reference_model.data import (  # noqa: E402
    Augment,
    FaceDataset,
    edges_numpy,
    edges_torch,
    make_tf_dataset,
    make_torch_loader,
    split_files,
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def torch_loader_rate(
    dataset: FaceDataset, batches: int, workers: int, device_edges: bool
) -> tuple[float, float]:
    """(images/s, main-process ms per batch spent on edges) over ``batches`` batches.

    Two warm-up batches (workers starting) are not timed; epochs repeat as needed.
    """
    loader = make_torch_loader(dataset, batch_size=16, workers=workers, seed=0)
    epoch = 0
    loader.sampler.set_epoch(epoch)
    iterator = iter(loader)

    def next_batch() -> dict:
        nonlocal iterator, epoch
        try:
            return next(iterator)
        except StopIteration:
            epoch += 1
            loader.sampler.set_epoch(epoch)
            iterator = iter(loader)
            return next(iterator)

    for _ in range(2):
        next_batch()
    images, edge_seconds = 0, 0.0
    start = time.perf_counter()
    for _ in range(batches):
        batch = next_batch()
        if device_edges:
            t = time.perf_counter()
            edges_torch(batch["hr"], dataset.canny_thresholds)
            edge_seconds += time.perf_counter() - t
        images += len(batch["index"])
    elapsed = time.perf_counter() - start
    return images / elapsed, 1e3 * edge_seconds / batches


def tf_rate(dataset: FaceDataset, batches: int, parallel: int | None) -> float:
    """images/s through make_tf_dataset (2 warm-up batches untimed)."""
    pipeline = make_tf_dataset(dataset, batch_size=16, seed=0, epochs=1000, parallel_calls=parallel)
    iterator = iter(pipeline)
    for _ in range(2):
        next(iterator)
    images = 0
    start = time.perf_counter()
    for _ in range(batches):
        images += int(next(iterator)["index"].shape[0])
    return images / (time.perf_counter() - start)


def edge_cost_per_batch(dataset: FaceDataset, repeats: int) -> tuple[float, float, float]:
    """Median ms for the edge targets of 16 faces: NumPy reference (one process), torch
    in float64 (the default, equal to the reference) and in float32."""
    hr = np.stack([dataset.sample(i)["hr"] for i in range(16)])
    hr_torch = torch.from_numpy(hr)
    reference, on_torch, on_torch32 = [], [], []
    edges_torch(hr_torch)
    for _ in range(repeats):
        t = time.perf_counter()
        for image in hr:
            edges_numpy(image)
        reference.append(time.perf_counter() - t)
        t = time.perf_counter()
        edges_torch(hr_torch)
        on_torch.append(time.perf_counter() - t)
        t = time.perf_counter()
        edges_torch(hr_torch, dtype=torch.float32)
        on_torch32.append(time.perf_counter() - t)
    return tuple(1e3 * statistics.median(v) for v in (reference, on_torch, on_torch32))


def upscale(image: np.ndarray, size: int = 128) -> Image.Image:
    """(C, H, W) floats in [0, 1] -> RGB PIL image of size x size, nearest neighbour."""
    array = np.clip(np.rint(image.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)
    if array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    return Image.fromarray(array).resize((size, size), Image.Resampling.NEAREST)


def write_grid(path: Path, datasets: list[tuple[str, FaceDataset, list[int]]]) -> None:
    """Rows of faces: HR | LR x8 | edges 32 | edges 64 | edges 128 | edges 128 (50, 255)."""
    columns = ["HR 128", "LR 16 (x8)", "edges 32", "edges 64", "edges 128", "128 (50,255)"]
    rows = [(name, data, i) for name, data, picks in datasets for i in picks]
    cell, pad, header, label = 128, 4, 16, 110
    width = label + len(columns) * (cell + pad)
    grid = Image.new("RGB", (width, header + len(rows) * (cell + pad)), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    for c, title in enumerate(columns):
        draw.text((label + c * (cell + pad) + 4, 2), title, fill=(0, 0, 0))
    for r, (name, data, index) in enumerate(rows):
        sample = data.sample(index)
        fixed = edges_numpy(sample["hr"], (50, 255))[2]
        tiles = [sample["hr"], sample["lr"], *sample["edges"], fixed]
        y = header + r * (cell + pad)
        draw.text((4, y + 4), name, fill=(0, 0, 0))
        draw.text((4, y + 18), data.files[index].name, fill=(0, 0, 0))
        draw.text((4, y + 32), f"layout {data.layout.value}", fill=(0, 0, 0))
        for c, tile in enumerate(tiles):
            grid.paste(upscale(tile), (label + c * (cell + pad), y))
    path.parent.mkdir(parents=True, exist_ok=True)
    grid.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", type=Path, required=True, help="where to write the PNG grid")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--batches", type=int, default=40, help="timed batches of 16 per row")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 batches per row")
    args = parser.parse_args()
    batches = 4 if args.quick else args.batches
    torch.set_num_threads(1)
    warnings.simplefilter("ignore", UserWarning)

    celeba_root = args.data / "celeba_fsrnet1000" / "HR"
    wild_root = args.data / "celeba_wild_identity"
    train = split_files(celeba_root, "train")
    augment = Augment()

    def celeba(edges: str = "reference") -> FaceDataset:
        return FaceDataset(train, augment=augment, edge_targets=edges)  # type: ignore[arg-type]

    rows: list[tuple[str, str]] = []
    rate, _ = torch_loader_rate(celeba(), batches, args.workers, device_edges=False)
    rows.append(
        (f"DataLoader, {args.workers} workers, NumPy reference edges in the workers", f"{rate:.0f}")
    )
    rate, edge_ms = torch_loader_rate(celeba("none"), batches, args.workers, device_edges=True)
    rows.append(
        (
            f"DataLoader, {args.workers} workers, no edges + `edges_torch` in the main process "
            f"({edge_ms:.0f} ms/batch of it)",
            f"{rate:.0f}",
        )
    )
    rate, _ = torch_loader_rate(celeba("none"), batches, args.workers, device_edges=False)
    rows.append((f"DataLoader, {args.workers} workers, no edges", f"{rate:.0f}"))
    rate, _ = torch_loader_rate(celeba(), batches, 0, device_edges=False)
    rows.append(("DataLoader, 0 workers (main process), NumPy reference edges", f"{rate:.0f}"))
    wild = FaceDataset(wild_root, augment=augment)
    rate, _ = torch_loader_rate(wild, batches, args.workers, device_edges=False)
    rows.append(
        (
            f"DataLoader, {args.workers} workers, reference edges, celeba_wild_identity "
            "(VGGFace2 layout, ~400x600 JPEGs)",
            f"{rate:.0f}",
        )
    )
    import tensorflow as tf

    rows.append(
        ("tf.data, 2 parallel calls, reference edges", f"{tf_rate(celeba(), batches, 2):.0f}")
    )
    rows.append(
        (
            "tf.data, AUTOTUNE parallel calls, reference edges",
            f"{tf_rate(celeba(), batches, None):.0f}",
        )
    )
    reference_ms, torch_ms, torch32_ms = edge_cost_per_batch(celeba(), 3 if args.quick else 7)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Machine: {cpu_model()}, {os.cpu_count()} cores (load average {load:.1f}); "
        f"Python {platform.python_version()}, torch {torch.__version__} "
        f"(main process at 1 thread), tensorflow {tf.__version__}, NumPy {np.__version__}, "
        f"Pillow {Image.__version__}; {batches} timed batches of 16 per row, after 2 warm-up "
        f"batches; {len(train)} CelebA train-split faces (celeba_fsrnet1000/HR), paper "
        "augmentation, adaptive Canny thresholds.\n"
    )
    print("| pipeline | images/s |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(
        f"\nEdge targets of one batch of 16 (32/64/128 px), one process, median: NumPy reference "
        f"{reference_ms:.0f} ms, `edges_torch` (faceloss.torch, 1 thread) in float64 "
        f"{torch_ms:.0f} ms, in float32 {torch32_ms:.0f} ms."
    )

    test = split_files(celeba_root, "test")
    grid_sets = [
        ("celeba_fsrnet1000", FaceDataset(test), [0, 1, 2, 3]),
        ("celeba_wild_identity", FaceDataset(wild_root), [0, 37, 74, 150]),
        (
            "official rotation",
            FaceDataset(test, augment=Augment(rotate="official", rotate_p=1.0)),
            [4, 5],
        ),
    ]
    write_grid(args.grid, grid_sets)
    print(f"\nGrid written to {args.grid}")


if __name__ == "__main__":
    main()
