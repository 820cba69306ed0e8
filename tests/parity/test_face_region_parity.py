"""Parity of FR-PSNR / FR-SSIM: the same boxes give the same crops and values in NumPy, torch
and TF (boxes inside, crossing and outside the image, none, and crops under SSIM's window)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.parity.harness import run_all
from tests.parity.strategies import face_boxes_for, image_pairs
from tests.parity.tolerances import assert_close


@st.composite
def cases(draw: st.DrawFn, min_side: int = 1) -> tuple[np.ndarray, np.ndarray, list]:
    prediction, target = draw(image_pairs(min_side=min_side, max_side=30, max_batch=3))
    n, h, w, _ = target.shape
    return prediction, target, draw(face_boxes_for(n, h, w))


def _assert_match(fn: str, prediction, target, boxes, dtype, **kwargs) -> None:
    out = run_all(fn, prediction, target, dtype=dtype, boxes=boxes, **kwargs)
    skipped = np.isnan(out["reference"])
    for backend in ("torch", "tf"):
        np.testing.assert_array_equal(np.isnan(out[backend]), skipped, err_msg=backend)
        assert_close(out[backend][~skipped], out["reference"][~skipped], dtype, f"{fn} {backend}")


@given(cases(), st.sampled_from((np.float64, np.float32)))
def test_fr_psnr_backends_match_reference(case, dtype) -> None:
    _assert_match("fr_psnr", *case, dtype)


@given(cases(min_side=8), st.sampled_from((np.float64, np.float32)), st.booleans())
def test_fr_ssim_backends_match_reference(case, dtype, y_channel) -> None:
    _assert_match("fr_ssim", *case, dtype, y_channel=y_channel)


@given(cases())
def test_skipped_images_are_exactly_those_without_a_usable_box(case) -> None:
    prediction, target, boxes = case
    _, h, w, _ = target.shape
    out = run_all("fr_ssim", prediction, target, boxes=boxes)
    for i, box in enumerate(boxes):
        usable = box is not None and (
            min(box[2], h) - max(box[0], 0) >= 11 and min(box[3], w) - max(box[1], 0) >= 11
        )
        for backend in out:
            assert np.isnan(out[backend][i]) == (not usable), (backend, box, (h, w))
