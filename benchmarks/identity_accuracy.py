"""Evidence for the identity network and loss on real faces; prints markdown tables.

1. **Same network as dlib**: dlib-aligned chips (HOG detector, 5-point predictor,
   ``get_face_chip(size=150, padding=0.25)``) of the shared-data faces; max abs
   difference of the torch and TF descriptors to ``compute_face_descriptor``.
2. **Same-person check** on ``celeba_identity`` (572 genuine pairs): TAR at distance
   0.6 on genuine pairs and FAR on impostor pairs (all of them, and a reproducible
   sample of 10x the genuine count, seed 0), for three ways of making the 150x150
   chip: resizing the whole 128x128 crop, cropping the measured dlib face box
   (``crop="celeba"``) then resizing, and dlib's own 5-point alignment.
3. **Separation** (the loss' defaults): over all triples (face, the same face x8
   box-downscaled and bilinearly upscaled, a face of another identity), the share
   with loss(face, degraded) < loss(face, other), per embedding and temperature.

Descriptors come from ``faceloss.torch.DlibFaceResNet`` (TF agrees to ~1e-6, part 1).
Needs dlib (``faceloss[dlib-reference]``) for parts 1 and 2c.

Usage (from the repository root)::

    python benchmarks/identity_accuracy.py           # everything (minutes on 2 CPUs)
    python benchmarks/identity_accuracy.py --quick   # 8 faces for part 1, 64 for 2-3
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from scipy.special import log_softmax  # noqa: E402

TEMPERATURES = (2.0, 1.0, 0.5, 0.2, 0.1, 0.05)


def js_matrix(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """JS divergence (nats) between softmax rows of ``p`` (A, D) and ``q`` (B, D): (A, B)."""
    lq = log_softmax(q, axis=-1)[None]
    out = []
    for start in range(0, len(p), 32):  # 32 rows at a time bounds the memory
        lp = log_softmax(p[start : start + 32], axis=-1)[:, None]
        lm = np.logaddexp(lp, lq) - np.log(2.0)
        out.append(0.5 * (np.exp(lp) * (lp - lm) + np.exp(lq) * (lq - lm)).sum(-1))
    return np.concatenate(out)


def descriptors(net: object, images: np.ndarray, crop: object) -> np.ndarray:
    """torch descriptors of NHWC float images after crop + resize to 150 (batches of 32)."""
    import torch

    from faceloss.torch import crop_resize

    out = []
    with torch.no_grad():
        for i in range(0, len(images), 32):
            x = torch.from_numpy(images[i : i + 32]).permute(0, 3, 1, 2).float()
            if x.shape[-1] != 150 or crop is not None:
                x = crop_resize(x, (150, 150), crop)
            out.append(net(x).numpy())
    return np.concatenate(out).astype(np.float64)


def parity(files: list[Path], count: int) -> str:
    import tensorflow as tf
    import torch

    import faceloss.tf
    import faceloss.torch
    from tests.identity_faces import dlib_chips, dlib_descriptors

    chips, used = dlib_chips(files, count)
    expected = dlib_descriptors(chips)
    x = chips.astype(np.float32) / 255.0
    with torch.no_grad():
        got_torch = faceloss.torch.DlibFaceResNet()(torch.from_numpy(x).permute(0, 3, 1, 2))
    got_tf = faceloss.tf.DlibFaceResNet()(tf.constant(x)).numpy()
    d_torch = np.abs(got_torch.numpy() - expected).max(axis=1)
    d_tf = np.abs(got_tf - expected).max(axis=1)
    folders = sorted({f.parent.parent.name if f.parent.name == "HR" else f.parent.name
                      for f in used})  # fmt: skip
    return "\n".join(
        [
            f"{len(used)} dlib-aligned faces ({', '.join(folders)}; detector upsampling 1).",
            "",
            "| backend | max abs diff to dlib | median of per-face max | faces over 1e-5 |",
            "|---|---|---|---|",
            f"| faceloss.torch | {d_torch.max():.2e} | {np.median(d_torch):.2e} "
            f"| {(d_torch > 1e-5).sum()} |",
            f"| faceloss.tf | {d_tf.max():.2e} | {np.median(d_tf):.2e} | {(d_tf > 1e-5).sum()} |",
        ]
    )


def tar_far(emb: np.ndarray, ids: np.ndarray, rng_seed: int = 0) -> tuple:
    dist = np.linalg.norm(emb[:, None] - emb[None], axis=-1)
    iu = np.triu_indices(len(emb), 1)
    genuine = (ids[:, None] == ids[None])[iu]
    d = dist[iu]
    impostor = d[~genuine]
    sample = np.random.default_rng(rng_seed).choice(
        impostor, min(len(impostor), 10 * int(genuine.sum())), replace=False
    )
    return (
        int(genuine.sum()),
        float((d[genuine] < 0.6).mean()),
        len(impostor),
        float((impostor < 0.6).mean()),
        len(sample),
        float((sample < 0.6).mean()),
    )


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 + 64 faces: a smoke run")
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "data", help="shared data folder"
    )
    parser.add_argument("--parity-faces", type=int, default=300, help="faces for part 1")
    args = parser.parse_args(argv)

    import faceloss.torch
    from tests.identity_faces import degrade_x8, dlib_chips, identity_files, load_rgb

    sections = []
    try:
        import dlib  # noqa: F401

        has_dlib = True
    except ImportError:
        has_dlib = False

    parity_files = sorted((args.data / "celeba_fsrnet1000" / "HR").glob("*.jpg")) + sorted(
        (args.data / "helen_fsrnet50" / "HR").glob("*.jpg")
    )
    if has_dlib:
        count = 8 if args.quick else args.parity_faces
        sections.append("### Same network as dlib\n\n" + parity(parity_files, count))

    files, ids = identity_files(args.data)
    if args.quick:
        keep = np.random.default_rng(0).choice(len(files), 64, replace=False)
        files, ids = [files[i] for i in sorted(keep)], ids[np.sort(keep)]
    faces = load_rgb(files).astype(np.float32)
    net = faceloss.torch.DlibFaceResNet()
    emb = {
        "whole": descriptors(net, faces, None),
        "celeba": descriptors(net, faces, "celeba"),
    }
    rows = [
        "| 150x150 chip | faces | genuine pairs | TAR at 0.6 | impostor pairs | FAR at 0.6 "
        "| sampled impostors (seed 0) | FAR on sample |",
        "|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "whole": "resize of the whole 128x128 crop (`crop=None`)",
        "celeba": 'crop of the dlib face box, then resize (`crop="celeba"`)',
    }
    for key, label in labels.items():
        g, tar, ni, far, ns, fars = tar_far(emb[key], ids)
        rows.append(
            f"| {label} | {len(ids)} | {g} | {tar:.1%} | {ni} | {far:.2%} | {ns} | {fars:.2%} |"
        )
    if has_dlib:
        chips, used = dlib_chips(files, len(files))
        index = {f: i for i, f in enumerate(files)}
        sel = np.array([index[f] for f in used])
        aligned = descriptors(net, chips.astype(np.float32) / 255.0, None)
        for _key, label, e in (
            ("dlib", "dlib 5-point alignment (`get_face_chip`), detected faces only", aligned),
            ("celeba-sub", 'crop="celeba" on the same detected faces', emb["celeba"][sel]),
        ):
            g, tar, ni, far, ns, fars = tar_far(e, ids[sel])
            rows.append(
                f"| {label} | {len(sel)} | {g} | {tar:.1%} | {ni} | {far:.2%} | {ns} | {fars:.2%} |"
            )
    sections.append("### Same-person check (celeba_identity)\n\n" + "\n".join(rows))

    degraded = degrade_x8(faces.astype(np.float64)).astype(np.float32)
    other = ids[:, None] != ids[None]
    rows = [
        f"{int(other.sum())} triples (each face x each face of another identity).",
        "",
        "| crop | embedding | " + " | ".join(f"T={t:g}" for t in TEMPERATURES) + " |",
        "|---|---|" + "---|" * len(TEMPERATURES),
    ]
    for crop in ("celeba", None):
        hr = emb["celeba" if crop else "whole"]
        deg = descriptors(net, degraded, crop)
        for embedding in ("raw", "normalized"):
            h, d = hr, deg
            if embedding == "normalized":
                h = h / np.linalg.norm(h, axis=1, keepdims=True)
                d = d / np.linalg.norm(d, axis=1, keepdims=True)
            rates = []
            for t in TEMPERATURES:
                same = np.array([js_matrix(h[i : i + 1] / t, d[i : i + 1] / t)[0, 0]
                                 for i in range(len(h))])  # fmt: skip
                pairs = js_matrix(h / t, h / t)
                rates.append(float((same[:, None] < pairs)[other].mean()))
            rows.append(
                f"| {crop!s} | {embedding} | " + " | ".join(f"{r:.1%}" for r in rates) + " |"
            )
    sections.append(
        "### Separation: loss(face, x8-degraded face) < loss(face, other person)\n\n"
        + "\n".join(rows)
    )
    text = "\n\n".join(sections)
    print(text)
    return text


if __name__ == "__main__":
    main()
