"""EIPNet generator forward throughput (images/s) against this machine's float32 matmul rate.

Torch: eager NCHW, eager ``channels_last``, ``torch.compile`` (channels_last), the same
with Inductor's ``freezing`` (inference: weights folded as constants) and bf16 autocast
(where the CPU has bf16 instructions); Keras: ``jit_compile`` off and on. Each
configuration's achieved GFLOP/s counts the convolutions' multiply-adds (10.13 GMAC per
16x16 input for Table 1's generator, 2 FLOPs each, by ``torch.utils.flop_counter``) as a
fraction of the float32 matmul rate (a 1024^3 ``torch.mm``, best of 3) measured right
before and right after that row, the higher of the two: this machine's speed drifts by
10-25% over minutes (a shared virtual machine), and a yardstick taken beside each row
moves with it, if not always as much. bf16 rows are compared with the same float32 rate.
With CUDA, the GPU rows run at batch 1 and 256 in fp32 and bf16 (images/s and latency),
to compare with the paper's 215 fps (GTX 1080Ti, TensorFlow).

Usage: python benchmarks/generator.py [--threads 1] [--batches 1 16] [--repeats 5]
       [--channels 512 256 128 64] [--skip-keras] [--skip-compile] [--micro-batch 2]

The frozen compiled model also runs each batch as consecutive micro-batches (default 2
images): the same images, the same outputs, with the activations in cache.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import torch

from reference_model import build_generator, copy_weights
from reference_model.benchmark import (
    best_seconds,
    convolution_macs,
    cpu_has_bf16,
    cpu_name,
    forward_rate,
    matmul_gflops,
)

HEADER = (
    "| backend | configuration | batch | images/s | ms/batch | GFLOP/s | fp32 matmul GFLOP/s "
    "| of fp32 matmul rate |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--channels", type=int, nargs=4, default=[512, 256, 128, 64])
    parser.add_argument("--skip-keras", action="store_true")
    parser.add_argument("--skip-compile", action="store_true")
    parser.add_argument(
        "--micro-batch", type=int, default=2,
        help="also run the frozen compiled model over each batch in slices of this many",
    )  # fmt: skip
    parser.add_argument("--gpu-batches", type=int, nargs="+", default=[1, 256])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    channels = tuple(args.channels)
    cpu = torch.device("cpu")
    macs = convolution_macs(channels)
    rate = matmul_gflops(cpu, args.repeats)
    print(f"# EIPNet generator forward, channels {channels}: {macs / 1e9:.2f} GMAC per image")
    print(f"# {cpu_name()}, {args.threads} thread(s), torch {torch.__version__}")
    print(f"# float32 matmul rate (1024^3 torch.mm) at the start: {rate:.1f} GFLOP/s\n")
    print(HEADER)

    def row(
        backend: str, name: str, batch: int, seconds: float, before: float,
        device: torch.device = cpu, size: int = 1024,
    ) -> None:  # fmt: skip
        peak = max(before, matmul_gflops(device, 3, size=size))
        gflops = 2 * macs * batch / seconds / 1e9
        print(
            f"| {backend} | {name} | {batch} | {batch / seconds:.2f} | {seconds * 1e3:.1f} "
            f"| {gflops:.1f} | {peak:.1f} | {gflops / peak:.2f} |",
            flush=True,
        )

    eager = build_generator("torch", channels=channels, channels_last=False).eval()
    fast = build_generator("torch", channels=channels, channels_last=True).eval()
    fast.load_state_dict(eager.state_dict())
    configs = [("eager NCHW", eager, None), ("eager channels_last", fast, None)]
    if not args.skip_compile:
        configs.append(("torch.compile channels_last", torch.compile(fast), None))
        twin = build_generator("torch", channels=channels, channels_last=True).eval()
        twin.load_state_dict(eager.state_dict())  # its own module: its own compiled code
        frozen = torch.compile(twin, options={"freezing": True})
        configs.append(("torch.compile channels_last, frozen", frozen, None))
    if cpu_has_bf16():
        configs.append(("eager channels_last, bf16 autocast", fast, torch.bfloat16))
    for batch in args.batches:
        for name, model, dtype in configs:
            before = matmul_gflops(cpu, 3)
            seconds = forward_rate(model, batch, cpu, dtype, args.repeats)
            row("torch", name, batch, seconds, before)
        if not args.skip_compile and batch > args.micro_batch:
            before = matmul_gflops(cpu, 3)
            seconds = forward_rate(frozen, batch, cpu, None, args.repeats, args.micro_batch)
            name = f"torch.compile channels_last, frozen, micro-batches of {args.micro_batch}"
            row("torch", name, batch, seconds, before)
    if not args.skip_keras:
        import tensorflow as tf

        for jit in (False, True):
            net = copy_weights(eager, build_generator("keras", channels=channels))
            call = tf.function(net, jit_compile=True) if jit else net
            for batch in args.batches:
                lr = np.random.default_rng(0).random((batch, 16, 16, 3), dtype=np.float32)
                before = matmul_gflops(cpu, 3)
                seconds = best_seconds(
                    lambda call=call, lr=lr: np.asarray(call(lr)[0]), args.repeats, cpu
                )
                row("keras", f"jit_compile={'on' if jit else 'off'}", batch, seconds, before)
    if torch.cuda.is_available():
        gpu = torch.device("cuda")
        gpu_rate = matmul_gflops(gpu, args.repeats, size=8192)
        print(f"\n# GPU {torch.cuda.get_device_name(gpu)}: fp32 matmul {gpu_rate:.0f} GFLOP/s\n")
        print(HEADER)
        model = build_generator("torch", channels=channels).to(gpu).eval()
        for dtype in (None, torch.bfloat16):
            for batch in args.gpu_batches:
                before = matmul_gflops(gpu, 3, size=8192)
                seconds = forward_rate(model, batch, gpu, dtype, args.repeats)
                name = "fp32" if dtype is None else "bf16"
                row("torch cuda", name, batch, seconds, before, gpu, 8192)


if __name__ == "__main__":
    main()
