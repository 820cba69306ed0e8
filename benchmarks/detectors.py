"""Face detectors on the aligned face photographs of ``shared/data``: share of images with a
face found, milliseconds per image, and agreement with the paper's detector.

For each detector and data set: ``found`` (share of images with at least one face), ``ms/img``
(median of ``--repeats`` timed passes, single thread, detector call only; images already
decoded), and ``IoU vs paper`` (median IoU of the chosen box with dlib HOG upsample=1's box,
over images where both found one). Peers run in the same pass: raw ``dlib`` (what
``face_recognition.face_locations`` runs) and raw ``skimage.feature.Cascade``, so the
faceloss wrappers' overhead shows as a ratio.

Usage::

    python benchmarks/detectors.py            # all 1,000 CelebA + 50 Helen faces
    python benchmarks/detectors.py --quick    # 100 CelebA + 50 Helen, one pass
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

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faceloss.detect import (  # noqa: E402
    Box,
    DlibHOGDetector,
    ExplicitBoxes,
    SkimageLBPDetector,
    best_box,
)

DEFAULT_DATA = Path(os.environ.get("FACELOSS_SHARED_DATA", ROOT.parent / "shared" / "data"))


DLIB_DEFAULT = "faceloss DlibHOGDetector(upsample=1) [default, paper]"
DLIB_PEER = "peer: raw dlib, upsample=1 (face_recognition.face_locations)"
LBP_DEFAULT = "faceloss SkimageLBPDetector() [tuned defaults]"
LBP_PEER = "peer: raw skimage Cascade, same parameters"
PEERS = {DLIB_DEFAULT: DLIB_PEER, LBP_DEFAULT: LBP_PEER}


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load(folder: Path, limit: int | None) -> np.ndarray:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jpg", ".png"})
    files = files[:limit] if limit else files
    return np.stack([np.asarray(Image.open(p).convert("RGB")) for p in files])


def iou(a: Box, b: Box) -> float:
    inter = Box(
        max(a.top, b.top), max(a.left, b.left), min(a.bottom, b.bottom), min(a.right, b.right)
    )
    union = a.area + b.area - inter.area
    return inter.area / union if union else 0.0


def raw_dlib(upsample: int) -> Callable[[np.ndarray], list[Box]]:
    import dlib

    detector = dlib.get_frontal_face_detector()

    def detect(image: np.ndarray) -> list[Box]:
        return [Box(r.top(), r.left(), r.bottom(), r.right()) for r in detector(image, upsample)]

    return detect


def raw_cascade() -> Callable[[np.ndarray], list[Box]]:
    from skimage.data import lbp_frontal_face_cascade_filename
    from skimage.feature import Cascade

    from faceloss.spec import (
        LBP_MIN_NEIGHBOR_NUMBER,
        LBP_MIN_SIZE,
        LBP_SCALE_FACTOR,
        LBP_STEP_RATIO,
    )

    cascade = Cascade(lbp_frontal_face_cascade_filename())

    def detect(image: np.ndarray) -> list[Box]:
        side = max(image.shape[:2])
        found = cascade.detect_multi_scale(
            image,
            LBP_SCALE_FACTOR,
            LBP_STEP_RATIO,
            (LBP_MIN_SIZE, LBP_MIN_SIZE),
            (side, side),
            LBP_MIN_NEIGHBOR_NUMBER,
        )
        return [Box(d["r"], d["c"], d["r"] + d["height"], d["c"] + d["width"]) for d in found]

    return detect


def run(detector: Callable, images: np.ndarray, repeats: int) -> tuple[list[Box | None], float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        chosen = [best_box(detector(image)) for image in images]
        times.append((time.perf_counter() - start) / len(images))
    return chosen, 1000 * statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--quick", action="store_true", help="100 CelebA images, one pass")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (median)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many images per set")
    args = parser.parse_args(argv)
    limit, repeats = (100, 1) if args.quick else (None, args.repeats)
    limit = args.limit if args.limit is not None else limit

    sets = {
        "CelebA (FSRNet 1000)": load(args.data / "celeba_fsrnet1000" / "HR", limit),
        "Helen (FSRNet 50)": load(args.data / "helen_fsrnet50" / "HR", args.limit),
    }
    candidates: list[tuple[str, Callable]] = [
        (DLIB_DEFAULT, DlibHOGDetector(upsample=1)),
        (DLIB_PEER, raw_dlib(1)),
        ("faceloss DlibHOGDetector(upsample=0)", DlibHOGDetector(upsample=0)),
        ("faceloss DlibHOGDetector(upsample=2)", DlibHOGDetector(upsample=2)),
        (LBP_DEFAULT, SkimageLBPDetector()),
        (LBP_PEER, raw_cascade()),
        ("faceloss SkimageLBPDetector(min_size=32)", SkimageLBPDetector(min_size=32)),
        ("faceloss SkimageLBPDetector(scale_factor=1.2)", SkimageLBPDetector(scale_factor=1.2)),
        ("faceloss ExplicitBoxes((16, 16, 112, 112))", ExplicitBoxes((16, 16, 112, 112))),
    ]
    import dlib
    import skimage

    print(f"# Face detectors: found share, ms/image ({'quick' if args.quick else 'full'} run)\n")
    print(
        f"Machine: {cpu_name()}, {os.cpu_count()} logical "
        f"cores; Python {platform.python_version()}, NumPy {np.__version__}, dlib "
        f"{dlib.__version__} (dlib-bin), scikit-image {skimage.__version__}; median of "
        f"{repeats} pass(es).\n"
    )
    print(
        "| detector | data set | images | found | ms/img | time vs peer | IoU vs paper (median) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for set_name, images in sets.items():
        paper, _ = run(DlibHOGDetector(upsample=1), images, 1)
        rows, times = [], {}
        for name, detector in candidates:
            chosen, ms = run(detector, images, repeats)
            times[name] = ms
            found = sum(b is not None for b in chosen) / len(images)
            overlaps = [iou(a, b) for a, b in zip(chosen, paper, strict=True) if a and b]
            agreement = f"{statistics.median(overlaps):.3f}" if overlaps else "-"
            rows.append((name, found, ms, agreement))
        for name, found, ms, agreement in rows:
            peer = PEERS.get(name)
            ratio = f"{ms / times[peer]:.2f}x" if peer else ""
            print(
                f"| {name} | {set_name} | {len(images)} | {100 * found:.1f}% | {ms:.2f} | "
                f"{ratio} | {agreement} |"
            )


if __name__ == "__main__":
    main()
