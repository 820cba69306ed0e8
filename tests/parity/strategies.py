"""Hypothesis strategies for parity tests: image batches (NHWC float64) and logits.

Arrays are made by NumPy from a drawn seed and a drawn *kind*, which keeps
examples fast to generate while hypothesis still explores and shrinks sizes,
kinds and seeds. Sizes include 1x1 and odd sizes; kinds include constant images
and extreme values.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

IMAGE_KINDS = ("uniform", "constant", "binary", "smooth", "sparse", "bounds")


def make_image(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """An image batch of ``shape`` (N, H, W, C) in [0, 1], float64, of the given kind."""
    n, h, w, c = shape
    if kind == "uniform":
        return rng.random(shape)
    if kind == "constant":
        return np.broadcast_to(rng.random((n, 1, 1, c)), shape).copy()
    if kind == "binary":
        return (rng.random(shape) > 0.5).astype(np.float64)
    if kind == "smooth":
        yy, xx = np.meshgrid(np.linspace(0, 1, h), np.linspace(0, 1, w), indexing="ij")
        phase = rng.random((n, 1, 1, c)) * 2 * np.pi
        freq = 1 + 4 * rng.random((n, 1, 1, c))
        return 0.5 + 0.5 * np.sin(freq * (xx + yy)[None, :, :, None] * np.pi + phase)
    if kind == "sparse":
        base = np.full(shape, rng.random())
        mask = rng.random(shape) < 0.1
        base[mask] = rng.random(int(mask.sum()))
        return base
    if kind == "bounds":
        return rng.choice(np.array([0.0, 1.0, 0.5, 1e-7, 1 - 1e-7]), size=shape)
    raise ValueError(f"unknown kind {kind!r}")


@st.composite
def image_shapes(
    draw: st.DrawFn,
    channels: int | tuple[int, ...] = 3,
    min_side: int = 1,
    max_side: int = 17,
    max_batch: int = 3,
) -> tuple[int, int, int, int]:
    """NHWC shapes: 1..max_batch images of min_side..max_side pixels (1x1 and odd included)."""
    n = draw(st.integers(1, max_batch))
    h = draw(st.integers(min_side, max_side))
    w = draw(st.integers(min_side, max_side))
    c = channels if isinstance(channels, int) else draw(st.sampled_from(channels))
    return n, h, w, c


@st.composite
def image_batches(
    draw: st.DrawFn,
    channels: int | tuple[int, ...] = 3,
    min_side: int = 1,
    max_side: int = 17,
    max_batch: int = 3,
    kinds: tuple[str, ...] = IMAGE_KINDS,
    shape: tuple[int, int, int, int] | None = None,
) -> np.ndarray:
    """One NHWC float64 batch in [0, 1]."""
    if shape is None:
        shape = draw(image_shapes(channels, min_side, max_side, max_batch))
    kind = draw(st.sampled_from(kinds))
    seed = draw(st.integers(0, 2**32 - 1))
    return make_image(kind, shape, np.random.default_rng(seed))


@st.composite
def image_pairs(
    draw: st.DrawFn,
    channels: int | tuple[int, ...] = 3,
    min_side: int = 1,
    max_side: int = 17,
    max_batch: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target): same-shape NHWC batches; the prediction is the target plus
    noise of a drawn strength (0 gives identical images) or an unrelated image."""
    shape = draw(image_shapes(channels, min_side, max_side, max_batch))
    target = draw(image_batches(shape=shape))
    mode = draw(st.sampled_from(("identical", "noisy", "unrelated")))
    if mode == "identical":
        return target.copy(), target
    if mode == "unrelated":
        return draw(image_batches(shape=shape)), target
    sigma = draw(st.sampled_from((1e-4, 1e-2, 0.1, 0.5)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return np.clip(target + sigma * rng.standard_normal(shape), 0.0, 1.0), target


LOGIT_SCALES = (1e-3, 1.0, 10.0, 100.0, 1e4)


@st.composite
def logit_pairs(
    draw: st.DrawFn, max_rows: int = 4, max_bins: int = 600, max_leading_dims: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """(logits_p, logits_q) of shape (*leading, bins): scales up to 1e4, one-hot-like +-1e4
    rows, constant rows and equal pairs."""
    leading = tuple(draw(st.lists(st.integers(1, max_rows), min_size=0, max_size=max_leading_dims)))
    bins = draw(st.integers(1, max_bins))
    shape = (*leading, bins)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mode = draw(st.sampled_from(("random", "equal", "extreme", "constant", "shifted")))
    scale = draw(st.sampled_from(LOGIT_SCALES))
    p = scale * rng.standard_normal(shape)
    if mode == "equal":
        return p, p.copy()
    if mode == "extreme":
        p = np.where(rng.random(shape) < 0.5, -1e4, 1e4)
        q = np.where(rng.random(shape) < 0.5, -1e4, 1e4)
        return p, q
    if mode == "constant":
        return np.full(shape, rng.standard_normal() * scale), scale * rng.standard_normal(shape)
    if mode == "shifted":  # softmax is shift invariant: divergence 0
        return p, p + rng.standard_normal() * 100.0
    return p, scale * rng.standard_normal(shape)


# --- EdgeBlock and edge loss (issue 3) -------------------------------------------------------

EDGE_POOL_SIZES = (5, 7, 10)  # the paper's (section 3.1); drawn first, then other small sizes
FEATURE_SCALES = (1.0, 1e-3, 50.0)


@st.composite
def pool_sizes(draw: st.DrawFn, max_size: int = 12) -> int:
    """Window sizes: the paper's 5, 7, 10 half of the time, else any of 1..max_size."""
    if draw(st.booleans()):
        return draw(st.sampled_from(EDGE_POOL_SIZES))
    return draw(st.integers(1, max_size))


@st.composite
def feature_batches(
    draw: st.DrawFn,
    channels: tuple[int, ...] = (1, 2, 3, 5, 8),
    min_side: int = 1,
    max_side: int = 17,
    max_batch: int = 2,
) -> np.ndarray:
    """NHWC float64 feature maps (1x1, odd and even sizes, sizes below the window), of
    any sign and a drawn scale (features are not images: no [0, 1] range)."""
    x = draw(image_batches(channels, min_side, max_side, max_batch))
    scale = draw(st.sampled_from(FEATURE_SCALES))
    shift = draw(st.sampled_from((0.0, -0.5)))
    return (x + shift) * scale


@st.composite
def conv1x1_weights(draw: st.DrawFn, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """(kernel, bias) of a 1x1 convolution to one channel: Keras layout ``(1, 1, C, 1)``, ``(1,)``."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kernel = rng.standard_normal((1, 1, channels, 1)) / np.sqrt(channels)
    return kernel, rng.standard_normal(1)


@st.composite
def edge_scale_lists(
    draw: st.DrawFn, max_scales: int = 3, max_side: int = 12, max_batch: int = 3
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(edges, targets): per scale one NHWC 1-channel batch each, same batch size across
    scales; targets are {0, 1} maps like Canny's, edges any real values."""
    n = draw(st.integers(1, max_batch))
    scales = draw(st.integers(1, max_scales))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    edges, targets = [], []
    for _ in range(scales):
        h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
        targets.append((rng.random((n, h, w, 1)) > 0.8).astype(np.float64))
        mode = draw(st.sampled_from(("random", "equal", "near")))
        if mode == "equal":
            edges.append(targets[-1].copy())
        elif mode == "near":
            edges.append(targets[-1] + 1e-3 * rng.standard_normal((n, h, w, 1)))
        else:
            edges.append(rng.standard_normal((n, h, w, 1)))
    return edges, targets


@st.composite
def metric_pairs(
    draw: st.DrawFn,
    min_side: int = 11,
    max_side: int = 24,
    max_batch: int = 2,
    data_ranges: tuple[float, ...] = (1.0, 255.0),
) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """(prediction, target, data_range, y_channel) for the full-image metrics: 1 or 3
    channels, sides of at least ``min_side`` (11 for SSIM's window, 41 for VIF), values
    in [0, data_range]; ``y_channel`` is drawn for RGB only."""
    prediction, target = draw(
        image_pairs(channels=(1, 3), min_side=min_side, max_side=max_side, max_batch=max_batch)
    )
    data_range = draw(st.sampled_from(data_ranges))
    y_channel = prediction.shape[3] == 3 and draw(st.booleans())
    return prediction * data_range, target * data_range, data_range, y_channel


@st.composite
def face_boxes_for(
    draw: st.DrawFn, batch: int, height: int, width: int
) -> list[tuple[int, int, int, int] | None]:
    """One box per image for the face-region metrics: ``None`` (no face), boxes inside the
    image, boxes crossing or entirely outside its borders, and empty boxes."""
    boxes: list[tuple[int, int, int, int] | None] = []
    for _ in range(batch):
        if draw(st.integers(0, 6)) == 0:
            boxes.append(None)
            continue
        top = draw(st.integers(-4, height + 2))
        left = draw(st.integers(-4, width + 2))
        bottom = top + draw(st.integers(-1, height + 4))
        right = left + draw(st.integers(-1, width + 4))
        boxes.append((top, left, bottom, right))
    return boxes


@st.composite
def embedding_pairs(
    draw: st.DrawFn, max_rows: int = 12, max_dim: int = 130
) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings_sr, embeddings_hr), each (N, D): random, equal rows, tiny or huge scales."""
    n = draw(st.integers(1, max_rows))
    d = draw(st.integers(1, max_dim))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from((1e-3, 0.1, 1.0, 30.0)))
    hr = scale * rng.standard_normal((n, d))
    mode = draw(st.sampled_from(("random", "near", "equal")))
    if mode == "equal":
        return hr.copy(), hr
    if mode == "near":
        return hr + 0.1 * scale * rng.standard_normal((n, d)), hr
    return scale * rng.standard_normal((n, d)), hr
