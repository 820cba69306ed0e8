"""float16 and bfloat16: every public function without weights, torch and TF, against the
float64 reference (computed on the same half-rounded inputs) and in the input's dtype.

The rule (docs/conventions.rst): compute in at least float32, return the input's dtype.
Before it, ``vif`` never returned in half precision, torch ``ssim`` gave NaN and
``js_divergence`` of +-6e4 logits gave NaN.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.parity.half_cases import HALF_DTYPES, cases, run_case
from tests.parity.tolerances import HALF_TOLERANCES, HALF_VIF_TOLERANCES, assert_close

# Results that are not in the input's dtype by their own contract: thresholds are float64
# (on the 0..255 scale, exact), Canny edges follow the input dtype like every image output.
FLOAT64_RESULTS = {"adaptive_thresholds"}


@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("backend", ["torch", "tf"])
@pytest.mark.parametrize("name", list(cases()))
def test_half_precision_matches_the_float64_reference(name, backend, dtype):
    got, expected, dtypes = run_case(name, backend, dtype)
    wanted = "float64" if cases()[name][0] in FLOAT64_RESULTS else dtype
    assert dtypes == {wanted}, f"{name} {backend}: result dtype {dtypes}, expected {wanted}"
    assert np.isfinite(got).all() == np.isfinite(expected).all(), f"{name} {backend}: {got}"
    table = HALF_VIF_TOLERANCES if name.startswith("vif") else HALF_TOLERANCES
    finite = np.isfinite(expected)
    np.testing.assert_array_equal(got[~finite], expected[~finite])
    assert_close(got[finite], expected[finite], dtype, f"{name} {backend}", table)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("metric", ["PSNR", "SSIM", "VIF"])
def test_torch_accumulators_stay_finite_and_equal_the_function_in_half(metric, dtype):
    import torch

    import faceloss.torch as ft
    from tests.packaged_faces import astronaut_pairs

    prediction, target = (
        torch.from_numpy(a).permute(0, 3, 1, 2).to(getattr(torch, dtype))
        for a in astronaut_pairs(4, 48)
    )
    accumulator = getattr(ft, metric)()
    for i in range(4):  # one NaN used to poison the running mean for good
        accumulator.update(prediction[i : i + 1], target[i : i + 1])
    expected = getattr(ft, metric.lower())(prediction, target).double().mean()
    assert torch.isfinite(accumulator.compute())
    assert torch.allclose(accumulator.compute(), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("metric", ["PSNR", "SSIM", "VIF"])
def test_keras_metrics_in_half_precision_match_the_float64_reference(metric, dtype):
    import tensorflow as tf

    import faceloss.reference as ref
    import faceloss.tf as ftf
    from tests.packaged_faces import astronaut_pairs
    from tests.parity.half_cases import half_inputs

    prediction, target = half_inputs(astronaut_pairs(2, 48), dtype)
    keras_metric = getattr(ftf, metric)(dtype=dtype)
    keras_metric.update_state(tf.constant(target), tf.constant(prediction))
    expected = getattr(ref, metric.lower())(prediction, target).mean()
    table = HALF_VIF_TOLERANCES if metric == "VIF" else HALF_TOLERANCES
    assert_close(float(keras_metric.result()), expected, dtype, f"Keras {metric}", table)
