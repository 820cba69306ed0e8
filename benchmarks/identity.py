"""Speed of the JS identity loss: forward+backward per face in torch and Keras vs dlib's descriptor.

For each backend, a batch of 128x128 faces goes through ``JSIdentityLoss`` (crop,
resize to 150x150, the dlib ResNet on SR and HR, JS divergence) and the gradient
with respect to the SR batch is taken; the time is divided by the batch size. The
same networks' forward pass alone on 150x150 chips is timed beside dlib's own CPU
``compute_face_descriptor`` (one chip per call, as dlib's Python API does it; dlib
has no backward pass). Medians of ``--repeats`` runs after one warm-up, all in one
process with the same number of CPU threads for every library (``--threads``, default 1:
on a shared machine, torch's OpenMP threads spin against other jobs and multi-thread
timings swing by 5x). Prints a markdown table.

Usage (from the repository root)::

    python benchmarks/identity.py            # batch 16, 5 repeats, 1 thread
    python benchmarks/identity.py --quick    # batch 2, 1 repeat (a smoke run)
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
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def threads(n: int) -> str:
    return f"{n} thread" if n == 1 else f"{n} threads"


def load_faces(batch: int, data: Path) -> np.ndarray:
    """``batch`` real 128x128 faces (NHWC float32 in [0, 1]) or, without the data folder, noise."""
    files = sorted((data / "celeba_fsrnet1000" / "HR").glob("*.jpg"))[:batch]
    if len(files) < batch:
        return np.random.default_rng(0).random((batch, 128, 128, 3), dtype=np.float32)
    from PIL import Image

    return np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files]) / np.float32(255)


def bench_torch(hr: np.ndarray, sr: np.ndarray, chips: np.ndarray, repeats: int) -> dict:
    import torch

    from faceloss.torch import JSIdentityLoss

    loss = JSIdentityLoss()
    hr_t = torch.from_numpy(hr).permute(0, 3, 1, 2).contiguous()
    sr_t = torch.from_numpy(sr).permute(0, 3, 1, 2).contiguous()
    chips_t = torch.from_numpy(chips).permute(0, 3, 1, 2).contiguous()

    def step() -> None:
        x = sr_t.clone().requires_grad_(True)
        loss(x, hr_t).backward()

    def forward() -> None:
        with torch.no_grad():
            loss.network(chips_t)

    return {
        "version": f"torch {torch.__version__} ({threads(torch.get_num_threads())})",
        "step": median_time(step, repeats),
        "forward": median_time(forward, repeats),
    }


def bench_tf(hr: np.ndarray, sr: np.ndarray, chips: np.ndarray, repeats: int) -> dict:
    import keras
    import tensorflow as tf

    from faceloss.tf import JSIdentityLoss

    loss = JSIdentityLoss()
    hr_t, sr_t, chips_t = tf.constant(hr), tf.constant(sr), tf.constant(chips)

    @tf.function
    def step() -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(sr_t)
            value = loss(hr_t, sr_t)
        return tape.gradient(value, sr_t)

    @tf.function
    def forward() -> tf.Tensor:
        return loss.network(chips_t)

    return {
        "version": f"tensorflow {tf.__version__} / keras {keras.__version__} "
        f"({threads(tf.config.threading.get_intra_op_parallelism_threads())})",
        "step": median_time(lambda: step().numpy(), repeats),
        "forward": median_time(lambda: forward().numpy(), repeats),
    }


def bench_dlib(chips: np.ndarray, repeats: int) -> dict | None:
    try:
        import dlib
    except ImportError:
        return None
    from faceloss.weights.dlib import find_dlib_face_resnet

    model = dlib.face_recognition_model_v1(str(find_dlib_face_resnet()))
    chips_u8 = np.ascontiguousarray((chips * 255).round().astype(np.uint8))

    def forward() -> None:
        for chip in chips_u8:
            model.compute_face_descriptor(chip)

    return {"version": f"dlib {dlib.__version__}", "forward": median_time(forward, repeats)}


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=16, help="faces per batch (default 16)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--quick", action="store_true", help="batch 2, 1 repeat: a smoke run")
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "data", help="shared data folder"
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per library (1)")
    args = parser.parse_args(argv)
    batch, repeats = (2, 1) if args.quick else (args.batch, args.repeats)
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    import tensorflow as tf
    import torch

    torch.set_num_threads(args.threads)
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    from faceloss.tf import crop_resize

    hr = load_faces(batch, args.data).astype(np.float32)
    sr = np.clip(hr + 0.05 * np.random.default_rng(1).standard_normal(hr.shape), 0, 1)
    sr = sr.astype(np.float32)
    chips = crop_resize(hr, (150, 150)).numpy()

    results = {"torch": bench_torch(hr, sr, chips, repeats), "tf": bench_tf(hr, sr, chips, repeats)}
    dlib_result = bench_dlib(chips, repeats)
    ref = dlib_result["forward"] / batch if dlib_result else None

    def ms(seconds: float) -> str:
        return f"{1000 * seconds / batch:.1f}"

    def ratio(seconds: float) -> str:
        return f"{ref / (seconds / batch):.1f}x" if ref else "n/a"

    lines = [
        f"Batch {batch}, median of {repeats} run(s); {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}.",
        "",
        "| implementation | JSIdentityLoss forward + backward, ms/face "
        "| network forward only, ms/face | forward speed vs dlib |",
        "|---|---|---|---|",
    ]
    for name, label in (("torch", "faceloss.torch"), ("tf", "faceloss.tf (tf.function)")):
        r = results[name]
        lines.append(
            f"| {label}: JSIdentityLoss, {r['version']} | {ms(r['step'])} | {ms(r['forward'])} "
            f"| {ratio(r['forward'])} |"
        )
    if dlib_result:
        lines.append(
            f"| {dlib_result['version']} compute_face_descriptor (reference) | n/a (no backward) "
            f"| {ms(dlib_result['forward'])} | 1.0x |"
        )
    else:
        lines.append("| dlib compute_face_descriptor | not installed (dlib-bin) | | |")
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
