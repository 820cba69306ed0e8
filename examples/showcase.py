"""A tour of what faceloss computes, on a real face that ships with scikit-image.

Run: ``python examples/showcase.py`` (``bash scripts/demo.sh`` sets up and runs it).
It prints each component's value in the NumPy reference, PyTorch and TensorFlow,
so you can see the backends agree, and writes a picture to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def astronaut_face() -> np.ndarray:
    """Eileen Collins' face from ``skimage.data.astronaut()``: (128, 128, 3) floats in [0, 1]."""
    from skimage.data import astronaut
    from skimage.transform import resize

    crop = astronaut()[20:200, 150:330]  # the face, 180x180
    return resize(crop, (128, 128), order=1, anti_aliasing=True).astype(np.float64)


def degrade_x8(image: np.ndarray) -> np.ndarray:
    """What a face SR model starts from: bilinear x8 down (antialiased) and back up."""
    from skimage.transform import resize

    small = resize(image, (16, 16), order=1, anti_aliasing=True)
    return np.clip(resize(small, image.shape[:2], order=1), 0.0, 1.0)


def luminance_histogram_logits(image: np.ndarray, bins: int = 64) -> np.ndarray:
    """Log of a smoothed luminance histogram: logits whose softmax is the histogram."""
    luma = image @ np.array([0.299, 0.587, 0.114])
    hist, _ = np.histogram(luma, bins=bins, range=(0.0, 1.0))
    return np.log(hist + 1.0)


def row(name: str, values: dict[str, float]) -> str:
    """One markdown row: the value in each implementation and their largest difference."""
    cells = " | ".join(
        f"{values[k]:.6g}" if k in values else "(torch/TF only)"
        for k in ("reference", "torch", "tf")
    )
    spread = max(values.values()) - min(values.values())
    return f"| {name} | {cells} | {spread:.1e} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("showcase_out"), help="output folder")
    args = parser.parse_args()

    start = time.perf_counter()
    import tensorflow as tf
    import torch

    import faceloss
    from faceloss import reference
    from faceloss import tf as fl_tf
    from faceloss import torch as fl_torch
    from faceloss.detect import SkimageLBPDetector

    hr = astronaut_face()
    sr = degrade_x8(hr)
    other = hr[:, ::-1].copy()  # mirrored: the same person, but every pixel moved
    print(
        f"faceloss {faceloss.__version__} | torch {torch.__version__} | tensorflow {tf.__version__}"
    )
    print("face: skimage.data.astronaut(), cropped to the face and resized to 128x128;")
    print("'degraded' = bilinear x8 down and up again, as a face SR input; 'mirrored' = the")
    print("same face flipped left-right: pixel losses see a different image, the identity")
    print("loss sees the same person.\n")

    def as_torch(a):
        return torch.from_numpy(np.ascontiguousarray(a[None].transpose(0, 3, 1, 2)))

    def as_tf(a):
        return tf.constant(a[None])

    def everywhere(name, prediction, target, **kwargs):
        """``name`` computed by all three implementations on one image pair (its mean)."""
        results = {
            "reference": getattr(reference, name)(prediction[None], target[None], **kwargs),
            "torch": getattr(fl_torch, name)(as_torch(prediction), as_torch(target), **kwargs),
            "tf": getattr(fl_tf, name)(as_tf(prediction), as_tf(target), **kwargs),
        }
        return {k: float(np.mean(np.asarray(v))) for k, v in results.items()}

    print("| component | NumPy reference | PyTorch | TensorFlow | max spread |")
    print("|---|---|---|---|---|")
    for label, prediction in (("degraded", sr), ("mirrored", other)):
        values = everywhere("luminance_chrominance_loss", prediction, hr)
        print(row(f"luminance-chrominance loss (eq. 8), {label} vs HR", values))

    logits_hr = luminance_histogram_logits(hr)[None]
    for label, prediction in (("degraded", sr), ("inverted", 1.0 - hr)):
        logits = luminance_histogram_logits(prediction)[None]
        values = {
            "reference": float(reference.js_divergence(logits, logits_hr)[0]),
            "torch": float(
                fl_torch.js_divergence(torch.from_numpy(logits), torch.from_numpy(logits_hr))[0]
            ),
            "tf": float(fl_tf.js_divergence(tf.constant(logits), tf.constant(logits_hr))[0]),
        }
        print(row(f"JS divergence of luminance histograms, {label} vs HR (nats)", values))

    for name, unit in (("psnr", " (dB)"), ("ssim", ""), ("vif", "")):
        print(row(f"{name.upper()}{unit}, degraded vs HR", everywhere(name, sr, hr)))

    box = SkimageLBPDetector()((hr * 255).round().astype(np.uint8))[0]
    values = everywhere("fr_psnr", sr, hr, boxes=[box])
    where = f"rows {box.top}:{box.bottom}, columns {box.left}:{box.right}"
    print(row(f"FR-PSNR (dB) on the face box found by the LBP detector ({where})", values))

    edges = {
        "reference": reference.edge_targets(hr[None]),
        "torch": fl_torch.edge_targets(as_torch(hr)),
        "tf": fl_tf.edge_targets(as_tf(hr)),
    }
    for i, size in enumerate((32, 64, 128)):
        counts = {k: float(np.asarray(v[i]).sum()) for k, v in edges.items()}
        print(row(f"adaptive Canny edge pixels at {size}x{size} (eqs. 1-2)", counts))

    identity = {
        "torch": float(fl_torch.JSIdentityLoss()(as_torch(sr).float(), as_torch(hr).float())),
        "tf": float(fl_tf.JSIdentityLoss()(as_tf(hr), as_tf(sr))),
    }
    print(row("JS identity loss with dlib's face network, degraded vs HR", identity))
    other_identity = {
        "torch": float(fl_torch.JSIdentityLoss()(as_torch(other).float(), as_torch(hr).float())),
        "tf": float(fl_tf.JSIdentityLoss()(as_tf(hr), as_tf(other))),
    }
    print(row("JS identity loss with dlib's face network, mirrored vs HR", other_identity))

    args.out.mkdir(parents=True, exist_ok=True)
    from skimage.io import imsave
    from skimage.transform import resize

    targets = [np.repeat(resize(e[0], (128, 128), order=0), 3, axis=-1) for e in edges["reference"]]
    panel = np.concatenate([hr, sr, *targets], axis=1)
    path = args.out / "faces.png"
    imsave(path, (panel * 255).round().astype(np.uint8), check_contrast=False)
    print(f"\nwrote {path} (HR | degraded | Canny targets at 32, 64, 128 px)")
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
