"""EIPNet generator forward throughput (images/s) against this machine's float32 matmul rate.

Torch: eager NCHW, eager ``channels_last``, ``torch.compile`` (channels_last) and bf16
autocast (where the CPU has bf16 instructions); Keras: ``jit_compile`` off and on. Each
configuration's achieved GFLOP/s counts the convolutions' multiply-adds (10.13 GMAC per
16x16 input for Table 1's generator, 2 FLOPs each, counted with
``torch.utils.flop_counter``) and is given as a fraction of the float32 matmul rate
measured in the same run (a 1024^3 ``torch.mm``), so that a loaded machine shifts both.
With CUDA available, the GPU rows run at batch 1 and 256 in fp32 and bf16 (images/s and
latency), to compare with the paper's 215 fps on a GTX 1080Ti.

Usage: python benchmarks/generator.py [--threads 1] [--batches 1 16] [--repeats 5]
       [--channels 512 256 128 64] [--skip-keras] [--skip-compile]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import torch
from torch.utils.flop_counter import FlopCounterMode

from reference_model import build_generator


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_has_bf16() -> bool:
    try:
        with open("/proc/cpuinfo") as info:
            flags = info.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def matmul_gflops(repeats: int, device: torch.device, size: int = 1024) -> float:
    a = torch.rand(size, size, device=device)
    b = torch.rand(size, size, device=device)
    times = []
    for _ in range(repeats + 1):
        _sync(device)
        start = time.perf_counter()
        torch.mm(a, b)
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * size**3 / min(times[1:]) / 1e9


def conv_macs(channels: tuple[int, ...]) -> float:
    net = build_generator("torch", channels=tuple(channels), channels_last=False)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        net(torch.rand(1, 3, 16, 16))
    counts = counter.get_flop_counts()["Global"]
    return sum(n for op, n in counts.items() if "convolution" in str(op)) / 2


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_torch(model, batch: int, repeats: int, device: torch.device, dtype=None) -> float:
    """Best seconds per forward pass of ``batch`` 16x16 inputs."""
    lr = torch.rand(batch, 3, 16, 16, device=device)
    times = []
    context = torch.autocast(device.type, dtype=dtype) if dtype else torch.no_grad()
    with torch.no_grad(), context:
        for _ in range(repeats + 2):  # two warm-up passes (compile, allocator)
            _sync(device)
            start = time.perf_counter()
            model(lr)
            _sync(device)
            times.append(time.perf_counter() - start)
    return min(times[2:])


def time_keras(model, batch: int, repeats: int) -> float:
    import numpy as np

    lr = np.random.default_rng(0).random((batch, 16, 16, 3), dtype=np.float32)
    times = []
    for _ in range(repeats + 2):
        start = time.perf_counter()
        np.asarray(model(lr, training=False)[0])
        times.append(time.perf_counter() - start)
    return min(times[2:])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--channels", type=int, nargs=4, default=[512, 256, 128, 64])
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--skip-compile", action="store_true")
    parser.add_argument("--gpu-batches", type=int, nargs="+", default=[1, 256])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    channels = tuple(args.channels)
    cpu = torch.device("cpu")
    macs = conv_macs(channels)
    rate = matmul_gflops(args.repeats, cpu)
    print(f"# EIPNet generator forward, channels {channels}: {macs / 1e9:.2f} GMAC per image")
    print(f"# {cpu_name()}, {args.threads} thread(s), torch {torch.__version__}")
    print(f"# float32 matmul rate (1024^3 torch.mm): {rate:.1f} GFLOP/s\n")
    print("| backend | configuration | batch | images/s | ms/batch | GFLOP/s | of matmul rate |")
    print("|---|---|---:|---:|---:|---:|---:|")

    def row(backend: str, name: str, batch: int, seconds: float, peak: float) -> None:
        gflops = 2 * macs * batch / seconds / 1e9
        print(
            f"| {backend} | {name} | {batch} | {batch / seconds:.2f} | {seconds * 1e3:.1f} "
            f"| {gflops:.1f} | {gflops / peak:.2f} |",
            flush=True,
        )

    eager = build_generator("torch", channels=channels, channels_last=False).eval()
    fast = build_generator("torch", channels=channels, channels_last=True).eval()
    fast.load_state_dict(eager.state_dict())
    configs = [("eager NCHW", eager, None), ("eager channels_last", fast, None)]
    if not args.skip_compile:
        configs.append(("torch.compile channels_last", torch.compile(fast), None))
    if cpu_has_bf16():
        configs.append(("eager channels_last bf16 autocast", fast, torch.bfloat16))
    for batch in args.batches:
        for name, model, dtype in configs:
            row("torch", name, batch, time_torch(model, batch, args.repeats, cpu, dtype), rate)
    if not args.skip_keras:
        from reference_model import copy_weights

        for jit in (False, True):
            net = build_generator("keras", channels=channels)
            copy_weights(eager, net)
            call = net
            if jit:
                import tensorflow as tf

                call = tf.function(net, jit_compile=True)
            for batch in args.batches:
                name = f"jit_compile={'on' if jit else 'off'}"
                row("keras", name, batch, time_keras(call, batch, args.repeats), rate)
    if torch.cuda.is_available():
        gpu = torch.device("cuda")
        gpu_rate = matmul_gflops(args.repeats, gpu, size=8192)
        print(f"\n# GPU {torch.cuda.get_device_name(gpu)}: fp32 matmul {gpu_rate:.0f} GFLOP/s")
        print(
            "| backend | configuration | batch | images/s | ms/batch | GFLOP/s | of matmul rate |"
        )
        print("|---|---|---:|---:|---:|---:|---:|")
        model = build_generator("torch", channels=channels).to(gpu).eval()
        for dtype in (None, torch.bfloat16):
            for batch in args.gpu_batches:
                seconds = time_torch(model, batch, args.repeats, gpu, dtype)
                row("torch cuda", "fp32" if dtype is None else "bf16", batch, seconds, gpu_rate)


if __name__ == "__main__":
    main()
