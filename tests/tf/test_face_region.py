"""TF FR-PSNR / FR-SSIM: values vs the reference on real faces, gradients, the Keras metric
(eager only, serialization), errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import faceloss.reference as ref
from faceloss.detect import ExplicitBoxes, SkimageLBPDetector
from faceloss.tf import FRPSNR, FRSSIM, FaceRegionResult, fr_psnr, fr_ssim
from tests.face_data import load_faces, upscale_bicubic


@pytest.fixture(scope="module")
def faces(shared_data):
    hr = load_faces(shared_data / "helen_fsrnet50" / "HR", 6)
    sr = upscale_bicubic(load_faces(shared_data / "helen_fsrnet50" / "LR_x8", 6), 128)
    return sr / 255.0, hr / 255.0


@pytest.mark.parametrize("fn", ["fr_psnr", "fr_ssim"])
def test_values_match_the_reference_on_real_faces_with_lbp(faces, fn):
    sr, hr = faces
    detector = SkimageLBPDetector()
    expected = getattr(ref, fn)(sr, hr, detector=detector)
    function = {"fr_psnr": fr_psnr, "fr_ssim": fr_ssim}[fn]
    got = function(tf.constant(sr, tf.float32), tf.constant(hr, tf.float32), detector=detector)
    assert got.dtype == tf.float32 and got.shape == (6,)
    np.testing.assert_array_equal(np.isnan(got.numpy()), np.isnan(expected))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_metric_matches_the_reference_accumulator_on_real_faces(faces):
    sr, hr = faces
    box = ExplicitBoxes((16, 16, 112, 112))
    metric, expected = FRPSNR(detector=box), ref.FRPSNR(detector=box)
    for i in range(0, 6, 4):
        metric.update(tf.constant(sr[i : i + 4]), tf.constant(hr[i : i + 4]))
        expected.update(sr[i : i + 4], hr[i : i + 4])
    got, want = metric.compute(), expected.compute()
    assert isinstance(got, FaceRegionResult)
    assert (got.evaluated, got.skipped) == (want.evaluated, want.skipped) == (6, 0)
    np.testing.assert_allclose(got.value, want.value, rtol=1e-12)
    np.testing.assert_allclose(float(metric.result()), want.value, rtol=1e-12)


def test_gradient_reaches_only_the_face_crop():
    target = tf.constant(np.random.default_rng(0).random((2, 24, 24, 3)))
    prediction = tf.Variable(target * 0.9 + 0.05)
    with tf.GradientTape() as tape:
        values = fr_ssim(prediction, target, boxes=[(2, 2, 20, 20), None])
        total = values[0]
    grad = tape.gradient(total, prediction).numpy()
    assert np.abs(grad[0, 2:20, 2:20]).sum() > 0
    assert np.abs(grad[0, 20:]).sum() == 0 and np.abs(grad[1]).sum() == 0


def test_keras_update_state_takes_y_true_first_and_counts_skips():
    target = tf.fill((3, 16, 16, 3), tf.constant(0.5, tf.float64))
    metric = FRSSIM(detector=ExplicitBoxes((0, 0, 16, 16)))
    metric.update_state(target, target, boxes=[None, (0, 0, 8, 8), (0, 0, 16, 16)])
    assert metric.compute() == FaceRegionResult(1.0, 1, 1, 1)
    metric.reset()
    assert metric.compute().total == 0


def test_serialization_keeps_every_argument_and_gives_the_same_values():
    metric = FRSSIM(255.0, detector=SkimageLBPDetector(min_size=32), y_channel=True, padding="same")
    restored = keras.metrics.deserialize(keras.metrics.serialize(metric))
    assert restored.get_config() == metric.get_config()
    assert repr(restored.detector) == repr(metric.detector)
    rng = np.random.default_rng(1)
    target = tf.constant(rng.random((2, 20, 20, 3)) * 255)
    prediction = tf.constant(np.clip(target.numpy() + rng.normal(0, 9, (2, 20, 20, 3)), 0, 255))
    boxes = [(0, 0, 20, 20), (2, 3, 18, 17)]
    metric.update(prediction, target, boxes=boxes)
    restored.update(prediction, target, boxes=boxes)
    assert restored.compute() == metric.compute()


def test_get_config_refuses_a_custom_detector():
    metric = FRPSNR(detector=lambda image: [])
    with pytest.raises(TypeError, match="only faceloss' own detectors"):
        metric.get_config()


def test_raises_inside_tf_function():
    metric = FRPSNR(detector=ExplicitBoxes((0, 0, 8, 8)))

    @tf.function
    def step(x):
        metric.update(x, x)

    with pytest.raises(RuntimeError, match="eagerly only"):
        step(tf.zeros((1, 8, 8, 3)))


def test_raises_on_sample_weight_nchw_and_mismatched_batches():
    metric = FRPSNR(detector=ExplicitBoxes((0, 0, 8, 8)))
    x = tf.zeros((2, 8, 8, 3))
    with pytest.raises(ValueError, match="sample_weight"):
        metric.update_state(x, x, sample_weight=tf.ones(2))
    with pytest.raises(ValueError, match="3 channel"):
        fr_psnr(tf.zeros((2, 3, 8, 8)), tf.zeros((2, 3, 8, 8)), boxes=[None, None])
    with pytest.raises(ValueError, match="same shape"):
        fr_psnr(x, tf.zeros((2, 8, 9, 3)), boxes=[None, None])
