"""Real-face cases for the Canny tests and benchmarks: loading, the x2 pyramid, cv2's answer.

``cv2`` runs on exactly what faceloss quantises to: ``floor(255 x + 0.5)`` of the float image,
converted with ``cv2.COLOR_RGB2GRAY``. Adaptive thresholds come from the NumPy reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FACE_SETS = ("celeba_fsrnet1000", "helen_fsrnet50")
SIZES = (128, 64, 32)
# (name, low, high, l2_gradient); None thresholds mean adaptive (eqs. 1-2, k=1.6, ratio 0.5).
MODES = (
    ("fixed 50/255 L1", 50.0, 255.0, False),
    ("fixed 50/255 L2", 50.0, 255.0, True),
    ("adaptive L1", None, None, False),
    ("adaptive L2", None, None, True),
)


def face_files(shared_data: Path) -> list[Path]:
    """All HR faces of the two FSRNet test sets (1000 CelebA + 50 Helen), sorted."""
    files: list[Path] = []
    for name in FACE_SETS:
        files += sorted((shared_data / name / "HR").glob("*.jpg"))
    return files


def load_faces(files: list[Path]) -> np.ndarray:
    """(N, 128, 128, 3) uint8 RGB."""
    import cv2

    return np.stack([cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in files])


def pyramid(faces_uint8: np.ndarray) -> dict[int, np.ndarray]:
    """{128: x, 64: x/2, 32: x/4} as float64 NHWC in [0, 1], by the reference downscale_x2."""
    from faceloss.reference import downscale_x2

    levels = {faces_uint8.shape[1]: faces_uint8.astype(np.float64) / 255.0}
    size = faces_uint8.shape[1]
    while size > min(SIZES):
        levels[size // 2] = downscale_x2(levels[size])
        size //= 2
    return levels


def quantise(image: np.ndarray) -> np.ndarray:
    """faceloss' float -> uint8 rule: floor(255 x + 0.5)."""
    return np.floor(np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def thresholds(image: np.ndarray, low, high, l2: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-image (low, high): the fixed pair, or the reference's adaptive thresholds."""
    from faceloss.reference import adaptive_thresholds

    if low is None:
        return adaptive_thresholds(image, l2_gradient=l2)
    n = image.shape[0]
    return np.full(n, low), np.full(n, high)


def cv2_canny(image: np.ndarray, low: np.ndarray, high: np.ndarray, l2: bool) -> np.ndarray:
    """cv2.Canny per image on the quantised gray image: (N, H, W) of 0/1 uint8."""
    import cv2

    q = quantise(image)
    out = [
        cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), float(lo), float(hi), L2gradient=l2)
        for img, lo, hi in zip(q, low, high, strict=True)
    ]
    return (np.stack(out) > 0).astype(np.uint8)


def agreement(ours: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per image: (fraction of equal pixels, edge-pixel F1); F1 is 1 when both have no edges."""
    ours = ours.reshape(ours.shape[0], -1) > 0.5
    theirs = theirs.reshape(theirs.shape[0], -1) > 0
    equal = (ours == theirs).mean(axis=1)
    tp = (ours & theirs).sum(axis=1)
    denom = ours.sum(axis=1) + theirs.sum(axis=1)
    f1 = np.where(denom == 0, 1.0, 2 * tp / np.maximum(denom, 1))
    return equal, f1


CI_FACES = 100  # faces per CI test: 96 CelebA + 4 Helen, at each of SIZES


def ci_files(shared_data: Path, count: int = CI_FACES) -> list[Path]:
    """A fixed subset: the first ``count - 4`` CelebA faces and 4 Helen faces."""
    celeba = sorted((shared_data / "celeba_fsrnet1000" / "HR").glob("*.jpg"))
    helen = sorted((shared_data / "helen_fsrnet50" / "HR").glob("*.jpg"))
    return celeba[: count - 4] + helen[:4]


_CACHE: dict[object, list] = {}


def cv2_cases(shared_data: Path, count: int = CI_FACES) -> list[tuple]:
    """[(size, mode name, image float64 NHWC, low, high, l2, cv2 edges)] over SIZES x MODES.

    Cached per session, so the three backends' tests share the cv2 work."""
    key = (str(shared_data), count)
    if key not in _CACHE:
        _CACHE[key] = cases_for(load_faces(ci_files(shared_data, count)))
    return _CACHE[key]


def packaged_cases() -> list[tuple]:
    """:func:`cv2_cases` on the astronaut faces scikit-image ships (no ``../shared`` needed)."""
    if "packaged" not in _CACHE:
        from tests.packaged_faces import astronaut_faces

        _CACHE["packaged"] = cases_for(astronaut_faces())
    return _CACHE["packaged"]


def cases_for(faces_uint8: np.ndarray) -> list[tuple]:
    """The cases of :func:`cv2_cases` for (N, 128, 128, 3) uint8 faces."""
    levels = pyramid(faces_uint8)
    cases = []
    for size in SIZES:
        image = levels[size]
        for name, low, high, l2 in MODES:
            lo, hi = thresholds(image, low, high, l2)
            cases.append((size, name, image, low, high, l2, cv2_canny(image, lo, hi, l2)))
    return cases


def assert_identical(ours: np.ndarray, expected: np.ndarray, what: str) -> None:
    """Assert pixel-exact equality; the message gives the worst image's agreement."""
    ours = ours.reshape(expected.shape)
    if not np.array_equal(ours > 0.5, expected > 0):
        equal, f1 = agreement(ours, expected)
        worst = int(np.argmin(equal))
        raise AssertionError(
            f"{what}: {int((equal < 1).sum())} of {len(equal)} images differ from cv2.Canny; "
            f"worst image {worst}: {100 * equal[worst]:.3f}% pixels equal, F1 {f1[worst]:.4f}"
        )


def snake_image(size: int, band: int = 3, bright: int = 3) -> np.ndarray:
    """An image built to defeat step-by-step hysteresis: a faint band ``band`` pixels wide
    (gray 128 -> 153, a Sobel magnitude of 100: between the thresholds 40 and 200) folded
    into one serpentine through the whole image, whose first ``bright`` rows are bright
    (128 -> 228: magnitude 400, above 200). The band's outline is one 8-connected chain of
    weak edge pixels about ``size**2 / band`` long, hanging on the strong end.
    (1, size, size, 3) gray RGB, float64 in [0, 1].
    """
    period = 2 * band
    gray = np.full((size, size), 128.0)
    lanes = list(range(band, size - period, period))  # top row of each horizontal lane
    for k, top in enumerate(lanes):
        gray[top : top + band, band : size - band] = 153.0
        if k + 1 < len(lanes):  # join to the next lane, at the right end then the left
            cols = slice(size - 2 * band, size - band) if k % 2 == 0 else slice(band, 2 * band)
            gray[top : top + period + band, cols] = 153.0
    gray[band : band + bright, band : size - band] = 228.0
    return np.repeat((gray / 255.0)[None, :, :, None], 3, axis=3)
