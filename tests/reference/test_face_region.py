"""NumPy reference FR-PSNR / FR-SSIM: crops, skips and counts, errors, real faces."""

from __future__ import annotations

import numpy as np
import pytest

from faceloss.detect import Box, ExplicitBoxes, SkimageLBPDetector, detect_faces
from faceloss.reference import FRPSNR, FRSSIM, FaceRegionResult, fr_psnr, fr_ssim, psnr, ssim
from tests.face_data import load_faces, upscale_bicubic


@pytest.fixture
def pair():
    rng = np.random.default_rng(1)
    target = rng.random((3, 40, 48, 3))
    prediction = np.clip(target + 0.05 * rng.standard_normal(target.shape), 0, 1)
    return prediction, target


def test_fr_psnr_equals_psnr_on_the_crops(pair):
    prediction, target = pair
    boxes = [(2, 3, 30, 40), Box(10, 0, 40, 20), (0, 0, 40, 48)]
    values = fr_psnr(prediction, target, boxes=boxes)
    for i, (t, left, b, r) in enumerate([(2, 3, 30, 40), (10, 0, 40, 20), (0, 0, 40, 48)]):
        expected = psnr(prediction[i : i + 1, t:b, left:r], target[i : i + 1, t:b, left:r])[0]
        assert values[i] == expected


def test_fr_ssim_equals_ssim_on_the_crops(pair):
    prediction, target = pair
    values = fr_ssim(prediction, target, boxes=[(2, 3, 30, 40)] * 3, padding="same")
    expected = ssim(prediction[:, 2:30, 3:40], target[:, 2:30, 3:40], padding="same")
    np.testing.assert_array_equal(values, expected)


def test_only_the_face_region_counts(pair):
    _, target = pair
    prediction = target.copy()
    prediction[:, :, 30:] = 1 - prediction[:, :, 30:]  # damage outside the box
    assert np.isinf(fr_psnr(prediction, target, boxes=[(0, 0, 40, 30)] * 3)).all()
    assert (fr_ssim(prediction, target, boxes=[(0, 0, 40, 30)] * 3) == 1.0).all()


def test_boxes_outside_the_image_are_clipped(pair):
    prediction, target = pair
    clipped = fr_psnr(prediction, target, boxes=[(-5, -5, 100, 20)] * 3)
    np.testing.assert_array_equal(clipped, fr_psnr(prediction, target, boxes=[(0, 0, 40, 20)] * 3))


def test_no_face_gives_nan_and_is_counted(pair):
    prediction, target = pair
    boxes = [None, (50, 50, 60, 60), (0, 0, 40, 48)]  # none, outside the image, whole image
    values = fr_psnr(prediction, target, boxes=boxes)
    assert np.isnan(values[:2]).all() and np.isfinite(values[2])
    metric = FRPSNR(detector=ExplicitBoxes((0, 0, 8, 8)))
    metric.update(prediction, target, boxes=boxes)
    assert metric.compute() == FaceRegionResult(values[2], 1, 2, 0)


def test_ssim_crops_smaller_than_the_window_are_skipped_and_counted(pair):
    prediction, target = pair
    boxes = [(0, 0, 10, 40), (0, 0, 11, 11), (0, 0, 40, 10)]
    values = fr_ssim(prediction, target, boxes=boxes)
    assert np.isnan(values[[0, 2]]).all() and np.isfinite(values[1])
    metric = FRSSIM(detector=ExplicitBoxes((0, 0, 8, 8)))
    metric.update(prediction, target, boxes=boxes)
    metric.update(prediction, target)  # the detector's 8x8 box: too small for all 3
    result = metric.compute()
    assert (result.evaluated, result.skipped_no_face, result.skipped_too_small) == (1, 0, 5)
    assert result.value == values[1]
    # PSNR takes any non-empty crop
    assert np.isfinite(fr_psnr(prediction, target, boxes=boxes)).all()


def test_accumulator_mean_equals_mean_of_function_values_over_batches(pair):
    prediction, target = pair
    detector = ExplicitBoxes((4, 4, 36, 36))
    metric = FRSSIM(detector=detector)
    for i in range(3):
        metric.update(prediction[i : i + 1], target[i : i + 1])
    whole = fr_ssim(prediction, target, detector=detector)
    result = metric.compute()
    assert result.evaluated == 3 and result.skipped == 0
    np.testing.assert_allclose(result.value, whole.mean(), rtol=1e-15)
    metric.reset()
    assert metric.compute().evaluated == 0 and np.isnan(metric.compute().value)


def test_compute_before_update_is_nan_with_zero_counts():
    result = FRPSNR(detector=ExplicitBoxes((0, 0, 4, 4))).compute()
    assert np.isnan(result.value) and result.total == 0


def test_data_range_255_gives_the_same_values_and_boxes(shared_data):
    faces = load_faces(shared_data / "helen_fsrnet50" / "HR", 4).astype(np.float64)
    noisy = np.clip(faces + np.random.default_rng(0).normal(0, 8, faces.shape), 0, 255)
    detector = SkimageLBPDetector()
    np.testing.assert_allclose(
        fr_psnr(noisy, faces, 255.0, detector=detector),
        fr_psnr(noisy / 255, faces / 255, detector=detector),
        rtol=1e-12,
    )


def test_detector_runs_on_the_target_not_the_prediction(pair):
    _, target = pair
    seen = []

    def spy(image):
        seen.append(image)
        return [Box(0, 0, 20, 20)]

    fr_psnr(np.zeros_like(target), target, detector=spy)
    expected = np.round(np.clip(target, 0, 1) * 255).astype(np.uint8)
    assert len(seen) == 3 and all(s.dtype == np.uint8 for s in seen)
    np.testing.assert_array_equal(np.stack(seen), expected)


def test_given_boxes_replace_detection(pair):
    prediction, target = pair

    def fail(image):
        raise AssertionError("the detector must not run when boxes are given")

    values = fr_psnr(prediction, target, detector=fail, boxes=[(0, 0, 20, 20)] * 3)
    np.testing.assert_array_equal(values, psnr(prediction[:, :20, :20], target[:, :20, :20]))


def test_raises_if_shapes_differ(pair):
    prediction, target = pair
    with pytest.raises(ValueError, match="same shape"):
        fr_psnr(prediction[:, :30], target, boxes=[None] * 3)


def test_raises_if_images_are_grayscale_or_mixed(pair):
    prediction, target = pair
    with pytest.raises(ValueError, match="3 channel"):
        fr_ssim(prediction[..., :1], target[..., :1], boxes=[None] * 3)
    with pytest.raises(ValueError, match="3 channel"):
        fr_psnr(prediction[..., :1], target, boxes=[None] * 3)


def test_raises_if_images_are_not_float(pair):
    _, target = pair
    as_uint8 = (target * 255).astype(np.uint8)
    with pytest.raises(TypeError, match="floating-point"):
        fr_psnr(as_uint8, as_uint8, boxes=[None] * 3)


def test_raises_if_values_exceed_data_range(pair):
    prediction, target = pair
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        fr_psnr(prediction * 255, target, boxes=[None] * 3)


def test_raises_if_boxes_do_not_match_the_batch(pair):
    prediction, target = pair
    with pytest.raises(ValueError, match=r"one entry per image \(3\)"):
        fr_psnr(prediction, target, boxes=[(0, 0, 4, 4)])
    with pytest.raises(TypeError, match="boxes must be a sequence"):
        fr_psnr(prediction, target, boxes=(0, 0, 4, 4, 1, 2)[0])  # type: ignore[arg-type]


def test_raises_if_detector_is_not_callable(pair):
    prediction, target = pair
    with pytest.raises(TypeError, match="detector must be a callable"):
        fr_psnr(prediction, target, detector="dlib")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="detector must be a callable"):
        FRSSIM(detector=3)  # type: ignore[arg-type]


def test_raises_on_bad_options():
    with pytest.raises(ValueError, match="padding"):
        FRSSIM(detector=ExplicitBoxes((0, 0, 4, 4)), padding="full")
    with pytest.raises(ValueError, match="data_range"):
        FRPSNR(0.0, detector=ExplicitBoxes((0, 0, 4, 4)))


def test_fr_metrics_on_real_faces_with_explicit_boxes(shared_data):
    hr = load_faces(shared_data / "celeba_fsrnet1000" / "HR", 8, step=100)
    lr = load_faces(shared_data / "celeba_fsrnet1000" / "LR_x8", 8, step=100)
    sr = upscale_bicubic(lr, 128) / 255.0
    hr = hr / 255.0
    box = (20, 16, 116, 112)  # the centre of an aligned CelebA crop
    psnr_metric = FRPSNR(detector=ExplicitBoxes(box))
    ssim_metric = FRSSIM(detector=ExplicitBoxes(box))
    for i in range(0, 8, 3):  # uneven batches
        psnr_metric.update(sr[i : i + 3], hr[i : i + 3])
        ssim_metric.update(sr[i : i + 3], hr[i : i + 3])
    fr_p, fr_s = psnr_metric.compute(), ssim_metric.compute()
    assert fr_p.evaluated == fr_s.evaluated == 8 and fr_p.skipped == fr_s.skipped == 0
    t, left, b, r = box
    np.testing.assert_allclose(fr_p.value, psnr(sr[:, t:b, left:r], hr[:, t:b, left:r]).mean())
    np.testing.assert_allclose(fr_s.value, ssim(sr[:, t:b, left:r], hr[:, t:b, left:r]).mean())
    # bicubic x8 on 128x128 CelebA: around 20-24 dB and SSIM 0.5-0.8 (paper: bicubic 18.45 dB)
    assert 18 < fr_p.value < 26 and 0.45 < fr_s.value < 0.85


def test_fr_metrics_on_real_faces_with_dlib(shared_data):
    pytest.importorskip("dlib", reason="needs the dlib-bin extra")
    hr = load_faces(shared_data / "helen_fsrnet50" / "HR", 6)
    lr = load_faces(shared_data / "helen_fsrnet50" / "LR_x8", 6)
    sr, hr = upscale_bicubic(lr, 128) / 255.0, hr / 255.0
    boxes = detect_faces(hr)  # the default detector: dlib HOG
    metric = FRPSNR()
    metric.update(sr, hr)
    result = metric.compute()
    assert result.evaluated == sum(b is not None for b in boxes) and result.evaluated >= 4
    values = [
        psnr(
            sr[i : i + 1, b.top : b.bottom, b.left : b.right],
            hr[i : i + 1, b.top : b.bottom, b.left : b.right],
        )[0]
        for i, b in enumerate(boxes)
        if b is not None
    ]
    np.testing.assert_allclose(result.value, np.mean(values), rtol=1e-12)
    # as in the paper's Table 6 (FR-PSNR > PSNR): the detailed background/hair outside the box
    # is harder to upscale than the face
    assert 18 < psnr(sr, hr).mean() < result.value < 30


def test_fr_metrics_on_real_faces_with_lbp(shared_data):
    hr = load_faces(shared_data / "helen_fsrnet50" / "HR", 6) / 255.0
    values = fr_ssim(hr, hr, detector=SkimageLBPDetector())
    found = ~np.isnan(values)
    assert found.sum() >= 5 and (values[found] == 1.0).all()
