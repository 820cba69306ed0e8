"""Canny on images built to defeat hysteresis: time against the NumPy reference, and cv2 agreement.

The image (``tests.canny_cases.snake_image``) folds one faint band into a serpentine
through the whole image, bright at one end: every weak edge pixel hangs on one path of
about ``size**2 / 3`` pixels. Step-by-step hysteresis needs that many steps; faceloss
switches to connected-component labelling after 128 steps (issue 11: at most 10x the
reference's time at 2048x2048)::

    python benchmarks/canny_adversarial.py --sizes 512 1024 2048
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.canny_cases import cv2_canny, snake_image

LOW, HIGH = 40.0, 200.0


def timed(fn: object, *args: object) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    out = np.asarray(fn(*args))  # type: ignore[operator]
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 1024, 2048])
    parser.add_argument("--threads", type=int, default=1, help="threads per library (1)")
    options = parser.parse_args(argv)

    import tensorflow as tf
    import torch

    import faceloss.reference as ref
    import faceloss.tf as ftf
    import faceloss.torch as ftorch

    torch.set_num_threads(options.threads)
    tf.config.threading.set_intra_op_parallelism_threads(options.threads)
    tf.config.threading.set_inter_op_parallelism_threads(options.threads)
    ftf.canny(tf.constant(snake_image(16)), LOW, HIGH)  # trace the graph once

    print(f"{'size':>6} {'reference':>10} {'torch':>10} {'tf':>10} {'torch/ref':>10} {'tf/ref':>8}")
    for size in options.sizes:
        image = snake_image(size)
        expected = cv2_canny(image, np.array([LOW]), np.array([HIGH]), False)[0]
        ours, t_ref = timed(lambda x: ref.canny(x, LOW, HIGH)[0, :, :, 0], image)
        nchw = torch.from_numpy(image).permute(0, 3, 1, 2).contiguous()
        got_torch, t_torch = timed(lambda x: ftorch.canny(x, LOW, HIGH)[0, 0].numpy(), nchw)
        got_tf, t_tf = timed(
            lambda x: ftf.canny(x, LOW, HIGH)[0, :, :, 0].numpy(), tf.constant(image)
        )
        for name, got in (("reference", ours), ("torch", got_torch), ("tf", got_tf)):
            if not np.array_equal(got > 0.5, expected > 0):
                raise SystemExit(f"{name} differs from cv2.Canny at {size}px")
        print(
            f"{size:>6} {t_ref:>9.2f}s {t_torch:>9.2f}s {t_tf:>9.2f}s "
            f"{t_torch / t_ref:>10.1f} {t_tf / t_ref:>8.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
