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
    cells = " | ".join(f"{values[k]:.6g}" for k in ("reference", "torch", "tf"))
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

    hr = astronaut_face()
    sr = degrade_x8(hr)
    other = hr[:, ::-1].copy()  # a mirrored face: same colours, different layout
    print(
        f"faceloss {faceloss.__version__} | torch {torch.__version__} | tensorflow {tf.__version__}"
    )
    print("face: skimage.data.astronaut(), cropped to the face and resized to 128x128;")
    print("'degraded' = bilinear x8 down and up again, as a face SR input.\n")

    def torch_image(a):
        return torch.from_numpy(a[None].transpose(0, 3, 1, 2).copy())

    def tf_image(a):
        return tf.constant(a[None])

    print("| component | NumPy reference | PyTorch | TensorFlow | max spread |")
    print("|---|---|---|---|---|")
    for label, prediction in (("degraded", sr), ("mirrored", other)):
        values = {
            "reference": float(reference.luminance_chrominance_loss(prediction[None], hr[None])),
            "torch": float(
                fl_torch.luminance_chrominance_loss(torch_image(prediction), torch_image(hr))
            ),
            "tf": float(fl_tf.luminance_chrominance_loss(tf_image(prediction), tf_image(hr))),
        }
        print(row(f"luminance-chrominance loss, {label} vs HR", values))

    logits_hr = luminance_histogram_logits(hr)[None]
    for label, prediction in (("degraded", sr), ("mirrored", other), ("inverted", 1.0 - hr)):
        logits = luminance_histogram_logits(prediction)[None]
        values = {
            "reference": float(reference.js_divergence(logits, logits_hr)[0]),
            "torch": float(
                fl_torch.js_divergence(torch.from_numpy(logits), torch.from_numpy(logits_hr))[0]
            ),
            "tf": float(fl_tf.js_divergence(tf.constant(logits), tf.constant(logits_hr))[0]),
        }
        print(row(f"JS divergence of luminance histograms, {label} vs HR (nats, max ln 2)", values))

    args.out.mkdir(parents=True, exist_ok=True)
    from skimage.io import imsave

    panel = np.concatenate([hr, sr, other], axis=1)
    path = args.out / "faces.png"
    imsave(path, (panel * 255).round().astype(np.uint8), check_contrast=False)
    print(f"\nwrote {path} (HR | degraded | mirrored); done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
