"""Measure how far faceloss.torch and faceloss.tf are from the NumPy reference.

Draws random inputs of the kinds the hypothesis tests use (random, constant,
binary images; logits up to +-1e4) and prints the max absolute differences and
the max relative differences (over elements >= 1e-4 in magnitude) per function
and dtype, and between torch and TF gradients. Inputs are cast to the dtype first;
the reference computes in float64 on the cast inputs.

    python benchmarks/parity.py [--draws 200]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from tests.parity.harness import gradient, run_all
from tests.parity.strategies import IMAGE_KINDS, LOGIT_SCALES, make_image


def max_differences(actual, expected):
    """(max abs difference, max relative difference over the elements with |expected| >= 1e-4).

    Near-zero outputs (the V of a grey pixel, the divergence of nearly equal rows, the
    gradient at saturation) have no meaningful relative error: their absolute error shows."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    abs_diff = np.abs(actual - expected)
    big = np.abs(expected) >= 1e-4
    rel = float((abs_diff[big] / np.abs(expected[big])).max(initial=0.0))
    return float(abs_diff.max(initial=0.0)), rel


def _images(rng, draws):
    for _ in range(draws):
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 33)), int(rng.integers(1, 33)), 3)
        target = make_image(str(rng.choice(IMAGE_KINDS)), shape, rng)
        noise = float(rng.choice([1e-4, 1e-2, 0.3]))
        yield np.clip(target + noise * rng.standard_normal(shape), 0, 1), target


def _logits(rng, draws):
    for _ in range(draws):
        shape = (int(rng.integers(1, 9)), int(rng.integers(1, 600)))
        scale = float(rng.choice(LOGIT_SCALES))
        yield scale * rng.standard_normal(shape), scale * rng.standard_normal(shape)


CASES = {
    "rgb_to_yuv": (_images, {"image_args": (0,), "image_output": True}, 1),
    "luminance_chrominance_loss": (_images, {}, 2),
    "js_divergence": (_logits, {"image_args": ()}, 2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args()
    print(
        "| function | dtype | torch max abs / rel | TF max abs / rel | grad torch-TF max abs / rel |"
    )
    print("|---|---|---|---|---|")
    for name, (make, kw, arity) in CASES.items():
        for dtype in (np.float64, np.float32):
            worst = {"torch": [0.0, 0.0], "tf": [0.0, 0.0], "grad": [0.0, 0.0]}
            rng = np.random.default_rng(0)
            for pair in make(rng, args.draws):
                inputs = pair[:arity]
                out = run_all(name, *inputs, dtype=dtype, **kw)
                for backend in ("torch", "tf"):
                    a, r = max_differences(out[backend], out["reference"])
                    worst[backend] = [max(worst[backend][0], a), max(worst[backend][1], r)]
                if name != "rgb_to_yuv":
                    g_kw = {k: v for k, v in kw.items() if k == "image_args"}
                    g_torch = gradient("torch", name, *inputs, dtype=dtype, **g_kw)
                    g_tf = gradient("tf", name, *inputs, dtype=dtype, **g_kw)
                    a, r = max_differences(g_tf, g_torch)
                    worst["grad"] = [max(worst["grad"][0], a), max(worst["grad"][1], r)]
            cells = " | ".join(
                f"{worst[k][0]:.1e} / {worst[k][1]:.1e}"
                if k != "grad" or name != "rgb_to_yuv"
                else "n/a"
                for k in ("torch", "tf", "grad")
            )
            print(f"| {name} | {np.dtype(dtype).name} | {cells} |")


if __name__ == "__main__":
    main()
