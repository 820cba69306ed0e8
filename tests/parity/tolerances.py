"""One tolerance table per dtype; every parity test compares through :func:`assert_close`.

No test raises its own tolerance. A check that needs a different bound states a
reason in its own named entry here.
"""

from __future__ import annotations

import numpy as np

# Backend result vs the float64 NumPy reference (computed on the same, already cast, inputs).
TOLERANCES: dict[str, dict[str, float]] = {
    "float64": {"rtol": 1e-10, "atol": 1e-12},
    "float32": {"rtol": 1e-5, "atol": 1e-6},
}
# torch vs TF gradients of the same function.
GRADIENT_TOLERANCES: dict[str, dict[str, float]] = {
    "float64": {"rtol": 1e-10, "atol": 1e-12},
    "float32": {"rtol": 1e-5, "atol": 1e-6},
}


def dtype_name(dtype: object) -> str:
    return np.dtype(dtype).name


def max_differences(actual: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """(max absolute, max relative) difference; relative uses ``max(|expected|, tiny)``."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.size == 0:
        return 0.0, 0.0
    abs_diff = np.abs(actual - expected)
    rel_diff = abs_diff / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    return float(abs_diff.max()), float(rel_diff.max())


def assert_close(
    actual: np.ndarray,
    expected: np.ndarray,
    dtype: object,
    what: str,
    table: dict[str, dict[str, float]] = TOLERANCES,
) -> None:
    """Assert ``|actual - expected| <= atol + rtol * |expected|`` elementwise, with the dtype's
    tolerances; the failure message names ``what`` and prints the max differences."""
    tol = table[dtype_name(dtype)]
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    ok = np.isclose(actual, expected, rtol=tol["rtol"], atol=tol["atol"], equal_nan=False)
    if not ok.all():
        abs_d, rel_d = max_differences(actual, expected)
        raise AssertionError(
            f"{what} ({dtype_name(dtype)}): {int((~ok).sum())} of {ok.size} values differ beyond "
            f"rtol={tol['rtol']:g}, atol={tol['atol']:g}; max abs diff {abs_d:.3g}, "
            f"max rel diff {rel_d:.3g}"
        )


# VIF in float32 vs the float64 reference. Its noise variance sigma_v^2 = sigma_x^2 - g*sigma_xy
# is a difference of numbers up to ~1.6e4 (variances on the 0..255 scale) that nearly cancel
# when the prediction is close to a high-contrast target; float32 (6e-8 relative) leaves ~1e-3
# there, against sigma_n^2 = 2, so VIF moves by up to ~1e-4 (measured: 9.5e-5 for binary
# targets plus noise of 1e-4). On real faces the difference is ~3e-6 (tests/*/test_vif.py: 1e-5).
VIF_FLOAT32_TOLERANCES: dict[str, dict[str, float]] = {
    "float64": TOLERANCES["float64"],
    "float32": {"rtol": 1e-5, "atol": 2.5e-4},
}
