"""Canny speed: faceloss (torch, TF, NumPy reference) vs kornia.filters.canny and cv2.Canny.

Times one batch of RGB float images in [0, 1] (default: 64 real 128x128 faces from
../shared/data, random images if that folder is missing) and prints a markdown table:
images per second (median of repeated runs after one warm-up), the speed relative to
kornia's canny with hysteresis, and how many images equal cv2.Canny exactly.

Every library runs on ``--threads`` threads (default 1). Rates are given by process CPU
time (robust on a shared, loaded machine; with one thread it is the compute time) and
by wall-clock time.

    python benchmarks/canny.py            # the README numbers
    python benchmarks/canny.py --quick    # a smoke run (tiny batch, one repeat)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_batch(data: Path, batch: int, size: int) -> np.ndarray:
    """(batch, size, size, 3) float32 RGB in [0, 1]: real faces, downscaled by x2 steps."""
    from faceloss.reference import downscale_x2
    from tests import canny_cases

    files = canny_cases.face_files(data) if data.is_dir() else []
    if len(files) < batch:
        print(f"(no faces under {data}: using uniform random images)", file=sys.stderr)
        return np.random.default_rng(0).random((batch, size, size, 3)).astype(np.float32)
    image = canny_cases.load_faces(files[:batch]).astype(np.float64) / 255.0
    while image.shape[1] > size:
        image = downscale_x2(image)
    return image.astype(np.float32)


def median_seconds(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median CPU seconds of this process, median wall seconds) per call, after a warm-up."""
    fn()  # warm-up (tracing, allocation)
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64, help="images per batch (64)")
    parser.add_argument("--size", type=int, default=128, help="image side, 128/64/32 (128)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per row (7)")
    parser.add_argument("--low", type=float, default=50.0, help="fixed low threshold (50)")
    parser.add_argument("--high", type=float, default=255.0, help="fixed high threshold (255)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--skip-kornia", action="store_true", help="leave kornia out")
    parser.add_argument("--threads", type=int, default=1, help="threads per library (1)")
    parser.add_argument("--quick", action="store_true", help="batch 4 of 32x32, one repeat")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch, args.size, args.repeats = 4, 32, 1

    import cv2
    import tensorflow as tf
    import torch

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    except RuntimeError:  # TensorFlow already initialised (e.g. run from a test): keep its pools
        print("(TensorFlow already initialised: its thread pools are unchanged)", file=sys.stderr)

    import faceloss.reference as ref
    import faceloss.tf as ftf
    import faceloss.torch as ftorch
    from tests import canny_cases

    batch = load_batch(args.data, args.batch, args.size)
    batch_torch = torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous()
    batch_tf = tf.constant(batch)
    low, high = args.low, args.high
    image64 = batch.astype(np.float64)
    adaptive = ref.adaptive_thresholds(image64)
    truth = {
        "fixed": canny_cases.cv2_canny(image64, [low] * len(batch), [high] * len(batch), False),
        "adaptive": canny_cases.cv2_canny(image64, *adaptive, False),
    }
    tf_fixed = tf.function(lambda x: ftf.canny(x, low, high))
    tf_adaptive = tf.function(lambda x: ftf.canny(x))

    def cv2_loop() -> np.ndarray:
        q = np.floor(batch.astype(np.float64) * 255.0 + 0.5).astype(np.uint8)
        return np.stack([cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), low, high) for img in q])

    rows: list[tuple[str, str, Callable[[], object], Callable[[object], np.ndarray] | None]] = [
        ("faceloss.torch canny (50, 255)", "fixed",
         lambda: ftorch.canny(batch_torch, low, high), lambda o: o[:, 0].numpy()),
        ("faceloss.torch canny (adaptive)", "adaptive",
         lambda: ftorch.canny(batch_torch), lambda o: o[:, 0].numpy()),
        ("faceloss.tf canny (50, 255), tf.function", "fixed",
         lambda: tf_fixed(batch_tf).numpy(), lambda o: o[..., 0]),
        ("faceloss.tf canny (adaptive), tf.function", "adaptive",
         lambda: tf_adaptive(batch_tf).numpy(), lambda o: o[..., 0]),
        ("faceloss.reference canny (50, 255)", "fixed",
         lambda: ref.canny(image64, low, high), lambda o: o[..., 0]),
        ("cv2.Canny (50, 255), per-image loop + gray", "fixed", cv2_loop, lambda o: o),
    ]  # fmt: skip
    if not args.skip_kornia:
        import kornia

        rows += [
            ("kornia.filters.canny, hysteresis", "kornia",
             lambda: kornia.filters.canny(batch_torch)[1], None),
            ("kornia.filters.canny, no hysteresis", "kornia",
             lambda: kornia.filters.canny(batch_torch, hysteresis=False)[1], None),
        ]  # fmt: skip

    results = []
    for name, mode, fn, to_numpy in rows:
        cpu_seconds, wall_seconds = median_seconds(fn, args.repeats)
        if to_numpy is None:
            identical = "n/a (Gaussian blur, float thresholds)"
        else:
            equal, _ = canny_cases.agreement(to_numpy(fn()), truth[mode])
            identical = f"{int((equal == 1).sum())}/{len(equal)}"
        results.append((name, len(batch) / cpu_seconds, len(batch) / wall_seconds, identical))

    peer = next((r for r in results if r[0].endswith(", hysteresis")), None)
    print(f"Canny, batch of {len(batch)} RGB {args.size}x{args.size} float32 images, "
          f"median of {args.repeats} runs, {args.threads} thread(s) per library")  # fmt: skip
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; torch {torch.__version__}, "
          f"tensorflow {tf.__version__}, "
          f"opencv {cv2.__version__}, numpy {np.__version__}"
          + (f", kornia {kornia.__version__}" if not args.skip_kornia else ""))  # fmt: skip
    print()
    print(
        "| implementation | images/s (CPU time) | x kornia | images/s (wall) | x kornia "
        "| identical to cv2.Canny |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, cpu_rate, wall_rate, identical in results:
        cpu_ratio = f"{cpu_rate / peer[1]:.1f}x" if peer else "-"
        wall_ratio = f"{wall_rate / peer[2]:.1f}x" if peer else "-"
        print(
            f"| {name} | {cpu_rate:,.0f} | {cpu_ratio} | {wall_rate:,.0f} | {wall_ratio} "
            f"| {identical} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
