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
