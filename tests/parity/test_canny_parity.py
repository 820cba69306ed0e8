"""Hypothesis properties of canny, adaptive_thresholds, edge_targets and downscale_x2 in all backends.

Edges are compared for exact equality (every backend computes cv2.Canny's integers exactly),
adaptive thresholds exactly with the L1 magnitude and within the float64 tolerance with L2.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faceloss._canny import SMALLEST_NORMAL
from faceloss.reference.canny import _gray_uint8, _sobel, _suppress
from tests.parity.harness import BACKENDS, _resolve, run, run_all, to_backend, to_numpy
from tests.parity.strategies import image_batches
from tests.parity.tolerances import assert_close

canny_images = image_batches(channels=(1, 3), min_side=3, max_side=20)
dtypes = st.sampled_from((np.float64, np.float32))
# The coefficients' documented domain: 0 or a normal float64 (TF flushes subnormals to 0).
normal_floats = st.one_of(st.just(0.0), st.floats(SMALLEST_NORMAL, 1))


@st.composite
def threshold_pairs(draw: st.DrawFn) -> tuple[float | None, float | None]:
    """(None, None) for adaptive thresholds, or 0 <= low <= high on the 0..255 scale."""
    if draw(st.booleans()):
        return None, None
    low = draw(st.floats(0, 600, allow_nan=False))
    return low, low + draw(st.floats(0, 900, allow_nan=False))


def canny_all(image, low, high, l2, dtype=np.float64, **kwargs):
    return run_all(
        "canny", image, image_args=(0,), image_output=True, dtype=dtype,
        low=low, high=high, l2_gradient=l2, **kwargs,
    )  # fmt: skip


def assert_binary_and_equal(out: dict[str, np.ndarray], what: str) -> np.ndarray:
    reference = out["reference"]
    assert reference.shape[-1] == 1
    for backend, edges in out.items():
        assert np.isin(edges, (0.0, 1.0)).all(), f"{what}: {backend} output not 0/1"
        mismatch = int((edges != reference).sum())
        assert mismatch == 0, f"{what}: {backend} differs from the reference on {mismatch} pixels"
    return reference


@pytest.mark.slow
@given(image=canny_images, thresholds=threshold_pairs(), l2=st.booleans(), dtype=dtypes)
def test_backends_give_identical_binary_edges(image, thresholds, l2, dtype):
    out = canny_all(image, *thresholds, l2, dtype)
    edges = assert_binary_and_equal(out, f"canny {thresholds} l2={l2}")
    assert edges.shape == (*image.shape[:3], 1)


@given(image=image_batches(channels=(1, 3), min_side=3, kinds=("constant",)), l2=st.booleans())
def test_constant_images_give_no_edges_and_no_nan(image, l2):
    for thresholds in ((None, None), (0.0, 0.0)):
        out = canny_all(image, *thresholds, l2)
        for backend, edges in out.items():
            assert np.isfinite(edges).all() and not edges.any(), f"{backend} {thresholds}"


@given(
    image=canny_images,
    thresholds=threshold_pairs().filter(lambda t: t[0] is not None),
    raise_low=st.floats(0, 300),
    raise_high=st.floats(0, 300),
    l2=st.booleans(),
)
def test_raising_thresholds_never_adds_edge_pixels(image, thresholds, raise_low, raise_high, l2):
    low, high = thresholds
    higher_low = min(low + raise_low, high + raise_high)
    before = canny_all(image, low, high, l2)
    after = canny_all(image, higher_low, high + raise_high, l2)
    for backend in BACKENDS:
        added = (after[backend] > before[backend]).sum()
        assert added == 0, f"{backend}: {added} edge pixels appeared with higher thresholds"


@given(image=canny_images, thresholds=threshold_pairs(), l2=st.booleans())
def test_strong_pixels_are_always_edges(image, thresholds, l2):
    """A pixel kept by non-maximum suppression with magnitude above ``high`` is an edge."""
    dx, dy = _sobel(_gray_uint8(image))
    magnitude = dx * dx + dy * dy if l2 else np.abs(dx) + np.abs(dy)
    low, high = thresholds
    if low is None:
        high = run("reference", "adaptive_thresholds", image, image_args=(0,), l2_gradient=l2)[1]
        high = np.asarray(high)[:, None, None]
    cv2_high = np.floor(np.minimum(high, 32767.0) ** 2 if l2 else high)
    strong = _suppress(magnitude, dx, dy) & (magnitude > cv2_high)
    for backend, edges in canny_all(image, *thresholds, l2).items():
        assert edges[..., 0][strong].all(), f"{backend}: a strong pixel is not an edge"


@given(image=image_batches(channels=(1, 3), min_side=3, max_side=16, max_batch=3), l2=st.booleans())
def test_batch_result_equals_per_image_results(image, l2):
    whole = canny_all(image, None, None, l2)
    for i in range(image.shape[0]):
        single = canny_all(image[i : i + 1], None, None, l2)
        for backend in BACKENDS:
            assert np.array_equal(whole[backend][i : i + 1], single[backend]), backend


def adaptive_all(image, dtype, **kwargs) -> dict[str, np.ndarray]:
    out = {}
    for backend in BACKENDS:
        tensor = to_backend(image, backend, True, dtype if backend != "reference" else np.float64)
        if backend == "reference":
            tensor = np.asarray(image, dtype=dtype).astype(np.float64)
        low, high = _resolve(backend, "adaptive_thresholds")(tensor, **kwargs)
        out[backend] = np.stack([to_numpy(low, backend, False), to_numpy(high, backend, False)])
    return out


@given(
    image=canny_images,
    k=st.one_of(normal_floats, st.floats(1, 3)),
    low_ratio=normal_floats,
    l2=st.booleans(),
    dtype=dtypes,
)
def test_adaptive_thresholds_agree_across_backends(image, k, low_ratio, l2, dtype):
    out = adaptive_all(image, dtype, k=k, low_ratio=low_ratio, l2_gradient=l2)
    for backend in ("torch", "tf"):
        if l2:  # a float sum of square roots: the order of summation shows in the last bits
            assert_close(out[backend], out["reference"], np.float64, f"{backend} thresholds")
        else:  # integer sums: exact in float64 in any order
            np.testing.assert_array_equal(out[backend], out["reference"], err_msg=backend)
    assert (out["reference"][0] <= out["reference"][1]).all()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["k", "low_ratio"])
def test_subnormal_coefficients_are_refused(backend, name):
    image = np.full((1, 4, 4, 1), 0.5)
    with pytest.raises(ValueError, match=f"{name} must be 0 or at least"):
        run(backend, "adaptive_thresholds", image, image_args=(0,), **{name: 1e-310})


@given(
    image=image_batches(channels=(1, 3), min_side=1, max_side=6, max_batch=2).map(
        lambda x: np.tile(x, (1, 4, 4, 1))  # sides divisible by 4
    ),
    dtype=dtypes,
)
def test_edge_targets_identical_across_backends(image, dtype):
    if min(image.shape[1:3]) < 12:
        image = np.tile(image, (1, 3, 3, 1))
    out = {}
    for backend in BACKENDS:
        tensor = to_backend(image, backend, True, np.float64 if backend == "reference" else dtype)
        if backend == "reference":
            tensor = np.asarray(image, dtype=dtype).astype(np.float64)
        targets = _resolve(backend, "edge_targets")(tensor, scales=(4, 2, 1))
        out[backend] = [to_numpy(t, backend, True) for t in targets]
    for backend in ("torch", "tf"):
        for scale, mine, theirs in zip((4, 2, 1), out[backend], out["reference"], strict=True):
            if dtype == np.float64:
                assert np.array_equal(mine, theirs), f"{backend} scale {scale}"
    for scale, mine, theirs in zip((4, 2, 1), out["torch"], out["tf"], strict=True):
        assert np.array_equal(mine, theirs), f"torch vs tf at scale {scale} ({dtype.__name__})"


@given(
    image=image_batches(channels=(1, 3, 5), min_side=1, max_side=9).map(
        lambda x: np.tile(x, (1, 2, 2, 1))
    ),
    dtype=dtypes,
)
def test_downscale_x2_matches_reference(image, dtype):
    out = run_all("downscale_x2", image, image_args=(0,), image_output=True, dtype=dtype)
    for backend in ("torch", "tf"):
        assert_close(out[backend], out["reference"], dtype, f"downscale_x2 {backend}")
    assert np.array_equal(out["torch"], out["tf"]), "torch and TF sum in the same order"
