"""Speed and accuracy of SSIM and PSNR: faceloss vs the torch and TensorFlow peers.

Images per second on batches of 3x128x128 float32 images in [0, 1] (medians of
repeated calls, after one warm-up), and each implementation's largest per-image
difference to scikit-image (the reference definition) on 16 real face pairs
(x8 bicubic LR-upsampled vs HR from ``../shared/data/celeba_fsrnet1000``; random
noisy pairs when that folder is absent). Peers that are not installed are listed
as such. Prints a markdown table; run from the repository root::

    python benchmarks/metrics.py            # batches 16 and 64, 7 repeats
    python benchmarks/metrics.py --quick    # a smoke run: batch 2, 1 repeat

TensorFlow's speed depends on oneDNN (``TF_ENABLE_ONEDNN_OPTS``, on by default on
x86 Linux); the table header says which setting ran.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import types
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

Impl = Callable[[Any, Any], Any]  # (prediction, target) -> per-image values


def load_pairs(data: Path, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """(prediction, target, source): ``count`` NHWC float32 128x128 RGB pairs in [0, 1]."""
    folder = data / "celeba_fsrnet1000"
    if (folder / "HR").is_dir():
        from skimage.io import imread

        names = sorted(p.name for p in (folder / "HR").glob("*.jpg"))
        names = [names[i % len(names)] for i in range(count)]
        target = np.stack([imread(folder / "HR" / n) for n in names])
        prediction = np.stack([imread(folder / "LR_x8" / n) for n in names])
        return (prediction / 255).astype(np.float32), (target / 255).astype(np.float32), "faces"
    rng = np.random.default_rng(seed)
    target = rng.random((count, 128, 128, 3))
    prediction = np.clip(target + 0.1 * rng.standard_normal(target.shape), 0, 1)
    return prediction.astype(np.float32), target.astype(np.float32), "random"


def skimage_values(metric: str, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    p64, t64 = prediction.astype(np.float64), target.astype(np.float64)
    if metric == "ssim":
        return np.array(
            [
                structural_similarity(
                    p,
                    t,
                    gaussian_weights=True,
                    sigma=1.5,
                    use_sample_covariance=False,
                    data_range=1.0,
                    channel_axis=-1,
                )
                for p, t in zip(p64, t64, strict=True)
            ]
        )
    return np.array(
        [peak_signal_noise_ratio(t, p, data_range=1.0) for p, t in zip(p64, t64, strict=True)]
    )


def _piq(name: str) -> Any:
    """``piq.<name>`` without piq's torchvision-dependent ``__init__``."""
    if "piq" not in sys.modules:
        spec = find_spec("piq")
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError("piq")
        package = types.ModuleType("piq")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["piq"] = package
    __import__(f"piq.{name}")
    return sys.modules[f"piq.{name}"]


def torch_impls(metric: str) -> dict[str, tuple[Impl | None, str]]:
    """name -> (function on NCHW tensors, note); function None when the peer is missing."""
    import faceloss.torch as ft

    impls: dict[str, tuple[Impl | None, str]] = {}
    if metric == "ssim":
        impls["faceloss.torch ssim"] = (ft.ssim, "valid")
        impls["faceloss.torch ssim, padding='same'"] = (
            lambda x, y: ft.ssim(x, y, padding="same"),
            "same (reflect)",
        )
    else:
        impls["faceloss.torch psnr"] = (ft.psnr, "per image")

    def peer(name: str, build: Callable[[], Impl], note: str) -> None:
        try:
            impls[name] = (build(), note)
        except ImportError:
            impls[name] = (None, "not installed")

    if metric == "ssim":

        def torchmetrics_ssim() -> Impl:
            from torchmetrics.functional.image import structural_similarity_index_measure as f

            return lambda x, y: f(x, y, data_range=1.0, reduction="none")

        def piq_ssim() -> Impl:
            module = _piq("ssim")
            return lambda x, y: module.ssim(
                x, y, data_range=1.0, reduction="none", downsample=False
            )

        def msssim() -> Impl:
            import pytorch_msssim

            return lambda x, y: pytorch_msssim.ssim(x, y, data_range=1.0, size_average=False)

        def kornia_ssim(padding: str) -> Callable[[], Impl]:
            def build() -> Impl:
                import kornia

                return lambda x, y: kornia.metrics.ssim(x, y, 11, padding=padding).mean((1, 2, 3))

            return build

        peer("torchmetrics SSIM", torchmetrics_ssim, "same (reflect)")
        peer("piq.ssim (downsample=False)", piq_ssim, "valid")
        peer("pytorch_msssim.ssim (data_range=1)", msssim, "valid")
        peer("kornia.metrics.ssim, padding='valid'", kornia_ssim("valid"), "valid")
        peer("kornia.metrics.ssim, padding='same'", kornia_ssim("same"), "same (reflect)")
    else:

        def torchmetrics_psnr() -> Impl:
            from torchmetrics.functional.image import peak_signal_noise_ratio as f

            return lambda x, y: f(x, y, data_range=1.0, reduction="none", dim=(1, 2, 3))

        def piq_psnr() -> Impl:
            module = _piq("psnr")
            return lambda x, y: module.psnr(x, y, data_range=1.0, reduction="none")

        def kornia_psnr() -> Impl:
            import kornia

            return lambda x, y: kornia.metrics.psnr(x, y, 1.0)

        peer("torchmetrics PSNR (dim=(1, 2, 3))", torchmetrics_psnr, "per image")
        peer("piq.psnr", piq_psnr, "per image, eps: 80 dB on equal images")
        peer("kornia.metrics.psnr", kornia_psnr, "pooled batch MSE: one value")
    return impls


def tf_impls(metric: str) -> dict[str, tuple[Impl | None, str]]:
    """name -> (function on NHWC tensors, note)."""
    import tensorflow as tf

    import faceloss.tf as ftf

    if metric == "ssim":
        return {
            "faceloss.tf ssim": (ftf.ssim, "valid"),
            "tf.image.ssim": (lambda x, y: tf.image.ssim(x, y, max_val=1.0), "valid"),
        }
    return {
        "faceloss.tf psnr": (ftf.psnr, "per image"),
        "tf.image.psnr": (lambda x, y: tf.image.psnr(x, y, max_val=1.0), "per image"),
    }


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = [f"python {platform.python_version()}"]
    for name in (
        "numpy",
        "torch",
        "tensorflow-cpu",
        "keras",
        "scikit-image",
        "kornia",
        "torchmetrics",
        "pytorch-msssim",
        "piq",
    ):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} not installed")
    return ", ".join(out)


def run(batches: tuple[int, ...], repeats: int, data: Path) -> str:
    import tensorflow as tf
    import torch

    accuracy_count = min(16, max(batches))
    prediction, target, source = load_pairs(data, max(max(batches), accuracy_count))

    def torch_in(a: np.ndarray) -> Any:
        return torch.from_numpy(a).permute(0, 3, 1, 2).contiguous()

    def skimage_impl(metric: str) -> Impl:
        return lambda p, t: skimage_values(metric, p, t)

    # (metric, name, fn, convert, to_numpy, note); fn None: the peer is not installed.
    entries = []
    for metric in ("ssim", "psnr"):
        for name, (fn, note) in torch_impls(metric).items():
            entries.append((metric, name, fn, torch_in, lambda v: v.detach().numpy(), note))
        for name, (fn, note) in tf_impls(metric).items():
            entries.append((metric, name, fn, tf.constant, lambda v: v.numpy(), note))
        entries.append(
            (
                metric,
                f"skimage {metric} (per-image loop)",
                skimage_impl(metric),
                np.asarray,
                np.asarray,
                "reference",
            )
        )

    differences: dict[str, float | None] = {}
    for metric, name, fn, convert, to_numpy, _ in entries:
        if fn is None:
            differences[name] = None
            continue
        reference = skimage_values(metric, prediction[:accuracy_count], target[:accuracy_count])
        values = np.asarray(
            to_numpy(fn(convert(prediction[:accuracy_count]), convert(target[:accuracy_count]))),
            dtype=np.float64,
        )
        if values.ndim == 0:  # a pooled-batch value: compare with the mean
            differences[name] = float(abs(values - reference.mean()))
        else:
            differences[name] = float(np.abs(values - reference).max())

    # Repeats interleave the implementations, so load changes on a shared machine hit all alike.
    speeds: dict[str, dict[int, float]] = {name: {} for _, name, *_ in entries}
    for b in batches:
        times: dict[str, list[float]] = {name: [] for _, name, *_ in entries}
        inputs = {}
        for _, name, fn, convert, to_numpy, _ in entries:
            if fn is not None:
                inputs[name] = (convert(prediction[:b]), convert(target[:b]))
                to_numpy(fn(*inputs[name]))  # warm-up (tracing, allocation)
        for _ in range(repeats):
            for _, name, fn, _, to_numpy, _ in entries:
                if fn is None:
                    continue
                start = time.perf_counter()
                to_numpy(fn(*inputs[name]))
                times[name].append(time.perf_counter() - start)
        for name, measured in times.items():
            if measured:
                speeds[name][b] = b / statistics.median(measured)

    header = "| metric | implementation | " + " | ".join(f"B={b} img/s" for b in batches)
    header += " | max abs diff vs skimage | border / notes |\n|---|---|" + "---|" * len(batches)
    header += "---|---|"
    lines = [header]
    rows = [
        (m.upper(), name, speeds[name], differences[name], note) for m, name, *_, note in entries
    ]
    for metric, name, speed, difference, note in rows:
        cells = [f"{speed[b]:,.0f}" if b in speed else "-" for b in batches]
        diff = "-" if difference is None else f"{difference:.1e}"
        lines.append(f"| {metric} | {name} | " + " | ".join(cells) + f" | {diff} | {note} |")

    def best_agreeing_torch_peer(batch: int) -> tuple[str, float] | None:
        candidates = [
            (name, speed[batch])
            for metric, name, speed, difference, _ in rows
            if metric == "SSIM"
            and speed
            and difference is not None
            and difference <= 1e-5
            and not name.startswith(("faceloss", "skimage", "tf.image"))
        ]
        return max(candidates, key=lambda c: c[1]) if candidates else None

    summary = []
    for b in batches:
        best = best_agreeing_torch_peer(b)
        ours = speeds["faceloss.torch ssim"][b]
        if best:
            summary.append(
                f"- B={b}: faceloss.torch ssim / fastest torch peer within 1e-5 of skimage "
                f"({best[0]}): {ours / best[1]:.2f}x"
            )
        summary.append(
            f"- B={b}: faceloss.tf ssim / tf.image.ssim: "
            f"{speeds['faceloss.tf ssim'][b] / speeds['tf.image.ssim'][b]:.2f}x"
        )
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")
    title = (
        f"3x128x128 float32, {source} pairs; {os.cpu_count()} CPU cores "
        f"({platform.processor() or platform.machine()}); torch threads "
        f"{torch.get_num_threads()}; TF_ENABLE_ONEDNN_OPTS={onednn}; median of {repeats}\n"
        f"{versions()}\n"
    )
    return title + "\n" + "\n".join(lines) + "\n\n" + "\n".join(summary)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: batch 2, 1 repeat")
    parser.add_argument("--batches", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "data", help="shared data folder"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="torch and TF CPU threads (default: theirs)"
    )
    args = parser.parse_args(argv)
    if args.threads:
        import tensorflow as tf
        import torch

        torch.set_num_threads(args.threads)
        try:
            tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        except RuntimeError:  # TF already initialised in this process (e.g. under pytest)
            pass
    batches, repeats = ((2,), 1) if args.quick else (tuple(args.batches), args.repeats)
    print(run(batches, repeats, args.data))


if __name__ == "__main__":
    main()
