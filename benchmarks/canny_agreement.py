"""Pixel agreement of faceloss' canny (torch, TF, NumPy reference) with cv2.Canny on real faces.

Every HR face of ../shared/data (1000 CelebA + 50 Helen, 128x128) at 128, 64 and 32
pixels (x2 bilinear steps, :func:`faceloss.reference.downscale_x2`), with fixed (50, 255)
and adaptive thresholds, L1 and L2 gradients. Prints, per backend and case, the share of
images identical to cv2.Canny, the smallest per-image share of equal pixels and the
smallest per-image edge F1, as a markdown table.

    python benchmarks/canny_agreement.py             # all 1050 faces
    python benchmarks/canny_agreement.py --limit 8   # a smoke run
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="use the first N faces only")
    parser.add_argument("--chunk", type=int, default=128, help="images per call (128)")
    parser.add_argument("--backends", default="torch,tf,reference,torch-float32,tf-float32")
    args = parser.parse_args(argv)

    import tensorflow as tf
    import torch

    import faceloss.reference as ref
    import faceloss.tf as ftf
    import faceloss.torch as ftorch
    from tests import canny_cases

    run = {
        "torch": lambda x, lo, hi, l2: ftorch.canny(
            torch.from_numpy(x).permute(0, 3, 1, 2), lo, hi, l2_gradient=l2
        )[:, 0].numpy(),
        "tf": lambda x, lo, hi, l2: ftf.canny(tf.constant(x), lo, hi, l2_gradient=l2).numpy()[
            ..., 0
        ],
        "reference": lambda x, lo, hi, l2: ref.canny(x, lo, hi, l2_gradient=l2)[..., 0],
    }
    # float32 inputs: cv2 sees the quantised float32 image (downscaling in float32 can move
    # a value across a rounding boundary, so float32 and float64 pyramids may differ).
    run["torch-float32"] = lambda x, lo, hi, l2: run["torch"](x.astype(np.float32), lo, hi, l2)
    run["tf-float32"] = lambda x, lo, hi, l2: run["tf"](x.astype(np.float32), lo, hi, l2)
    backends = args.backends.split(",")
    files = canny_cases.face_files(args.data)[: args.limit]
    stats: dict[tuple[str, int, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    for start in range(0, len(files), args.chunk):
        levels = canny_cases.pyramid(canny_cases.load_faces(files[start : start + args.chunk]))
        for size in canny_cases.SIZES:
            image = levels[size]
            for name, low, high, l2 in canny_cases.MODES:
                lo, hi = canny_cases.thresholds(image, low, high, l2)
                truth = canny_cases.cv2_canny(image, lo, hi, l2)
                image32 = image.astype(np.float32).astype(np.float64)
                lo32, hi32 = canny_cases.thresholds(image32, low, high, l2)
                truth32 = canny_cases.cv2_canny(image32, lo32, hi32, l2)
                for backend in backends:
                    expected = truth32 if backend.endswith("float32") else truth
                    stats.setdefault((backend, size, name), []).append(
                        canny_cases.agreement(run[backend](image, low, high, l2), expected)
                    )
        print(f"{min(start + args.chunk, len(files))}/{len(files)} faces", file=sys.stderr)

    print(f"Agreement with cv2.Canny on {len(files)} faces (celeba_fsrnet1000 + helen_fsrnet50)")
    print()
    print("| backend | size | thresholds | identical images | min % equal pixels | min F1 |")
    print("|---|---:|---|---:|---:|---:|")
    for (backend, size, name), parts in stats.items():
        equal = np.concatenate([p[0] for p in parts])
        f1 = np.concatenate([p[1] for p in parts])
        print(
            f"| {backend} | {size} | {name} | {int((equal == 1).sum())}/{len(equal)} "
            f"| {100 * equal.min():.3f} | {f1.min():.4f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
