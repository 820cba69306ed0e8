"""Bad input fails early, with the same exception type and message in every backend."""

from __future__ import annotations

import numpy as np
import pytest

import faceloss
from tests.parity.harness import BACKENDS, backend_module, to_backend

rng = np.random.default_rng(0)
GOOD = rng.random((2, 5, 6, 3))


def _image(backend, array, dtype=np.float64):
    return to_backend(array, backend, image=True, dtype=dtype)


def _call(backend, fn, *arrays, dtype=np.float64, **kwargs):
    module = backend_module(backend)
    return getattr(module, fn)(*(_image(backend, a, dtype) for a in arrays), **kwargs)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((5, 6, 3), r"prediction must be a 4-D batch of images .*got 3-D"),
        ((0, 5, 6, 3), r"prediction is an empty batch"),
        ((2, 5, 6, 4), r"prediction must have 3 channel\(s\) on axis \d .*got 4"),
        ((2, 5, 6, 1), r"prediction must have 3 channel\(s\) on axis \d .*got 1"),
        ((2, 0, 6, 3), r"prediction must be at least 1x1 pixels"),
    ],
)
def test_loss_raises_on_bad_prediction_shape(backend, shape, message):
    bad = np.zeros(shape)
    if len(shape) == 4:
        prediction = _image(backend, bad)
    else:  # not a batch: pass as-is in the backend's type
        prediction = to_backend(bad, backend, image=False, dtype=np.float64)
    target = _image(backend, GOOD)
    with pytest.raises(ValueError, match=message):
        backend_module(backend).luminance_chrominance_loss(prediction, target)


def test_loss_raises_on_shape_mismatch_without_broadcasting(backend):
    with pytest.raises(ValueError, match="prediction and target must have the same shape"):
        _call(backend, "luminance_chrominance_loss", GOOD, GOOD[:1])


def test_loss_raises_on_integer_dtype(backend):
    ints = (GOOD * 255).astype(np.uint8)
    with pytest.raises(TypeError, match="prediction must have a floating-point dtype"):
        _call(backend, "luminance_chrominance_loss", ints, ints, dtype=np.uint8)


def test_loss_raises_on_unknown_reduction(backend):
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'"):
        _call(backend, "luminance_chrominance_loss", GOOD, GOOD, reduction="avg")


@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("which", ["prediction", "target"])
def test_loss_raises_on_non_finite_input(backend, bad_value, which):
    bad = GOOD.copy()
    bad[1, 2, 3, 0] = bad_value
    args = (bad, GOOD) if which == "prediction" else (GOOD, bad)
    with pytest.raises(ValueError, match=f"{which} contains NaN or Inf"):
        _call(backend, "luminance_chrominance_loss", *args)


def test_nan_propagates_when_value_checks_are_off(backend):
    bad = GOOD.copy()
    bad[0, 0, 0, 0] = np.nan
    faceloss.set_value_checks(False)
    try:
        out = _call(backend, "luminance_chrominance_loss", bad, GOOD)
        per_element = _call(backend, "luminance_chrominance_loss", bad, GOOD, reduction="none")
    finally:
        faceloss.set_value_checks(True)
    assert np.isnan(float(out))
    # Only the pixel that holds the NaN is NaN: nothing else is contaminated.
    per_element = np.asarray(per_element)
    assert int(np.isnan(per_element).sum()) == 3


def test_rgb_to_yuv_raises_on_wrong_channel_count(backend):
    with pytest.raises(ValueError, match=r"image must have 3 channel\(s\)"):
        _call(backend, "rgb_to_yuv", np.zeros((1, 4, 4, 2)))


def _logits(backend, array, dtype=np.float64):
    return to_backend(array, backend, image=False, dtype=dtype)


def _bins_kw(backend, axis):
    return {"dim": axis} if backend == "torch" else {"axis": axis}


def test_js_divergence_raises_on_shape_mismatch(backend):
    js = backend_module(backend).js_divergence
    with pytest.raises(ValueError, match="logits_p and logits_q must have the same shape"):
        js(_logits(backend, np.zeros((2, 5))), _logits(backend, np.zeros((2, 6))))


def test_js_divergence_raises_on_scalar_input(backend):
    js = backend_module(backend).js_divergence
    with pytest.raises(ValueError, match="at least 1 dimension"):
        js(_logits(backend, np.float64(1.0)), _logits(backend, np.float64(1.0)))


def test_js_divergence_raises_on_empty_bins(backend):
    js = backend_module(backend).js_divergence
    with pytest.raises(ValueError, match="has no bins"):
        js(_logits(backend, np.zeros((3, 0))), _logits(backend, np.zeros((3, 0))))


def test_js_divergence_raises_on_axis_out_of_range(backend):
    js = backend_module(backend).js_divergence
    name = "dim" if backend == "torch" else "axis"
    with pytest.raises(ValueError, match=f"{name}=2 is out of range for a 2-D input"):
        js(_logits(backend, np.zeros((2, 3))), _logits(backend, np.zeros((2, 3))), **{name: 2})


def test_js_divergence_raises_on_integer_logits(backend):
    js = backend_module(backend).js_divergence
    ints = np.zeros((2, 3), dtype=np.int32)
    with pytest.raises(TypeError, match="logits_p must have a floating-point dtype"):
        js(_logits(backend, ints, np.int32), _logits(backend, ints, np.int32))


def test_js_divergence_raises_on_nan(backend):
    js = backend_module(backend).js_divergence
    bad = np.array([[0.0, np.nan]])
    with pytest.raises(ValueError, match="logits_q contains NaN or Inf"):
        js(_logits(backend, np.zeros((1, 2))), _logits(backend, bad))


def test_wrong_container_type_names_the_argument(backend):
    module = backend_module(backend)
    with pytest.raises(TypeError, match="prediction must be a"):
        module.luminance_chrominance_loss("not an image", _image(backend, GOOD))
