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
    return dtype if dtype == "bfloat16" else np.dtype(dtype).name


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


UNIT_ROUNDOFF: dict[str, float] = {"float64": 2.0**-53, "float32": 2.0**-24}


def input_scaled_tolerances(
    scale: float, table: dict[str, dict[str, float]] = TOLERANCES, terms: int = 1
) -> dict[str, dict[str, float]]:
    """``table`` with every ``atol`` raised to ``max(atol, terms * u) * max(1, scale)``.

    For results that subtract or sum inputs of magnitude ``scale`` (EdgeBlock's
    ``F - avgpool(F)``): their absolute rounding error is a few ulp of ``scale``, not of the
    (small) difference, so the absolute bound grows with the input while the relative bound
    stays. ``terms`` is the number of values a result sums (``s * s`` for a window average):
    a float32 sum of ``k`` terms errs by up to ``k * u * scale`` (u = unit roundoff), which
    for ``s = 10`` (6e-6) exceeds the table's float32 ``atol`` of 1e-6.
    """
    factor = max(1.0, float(scale))
    return {
        name: {**tol, "atol": max(tol["atol"], terms * UNIT_ROUNDOFF[name]) * factor}
        for name, tol in table.items()
    }


def window_tolerances(
    features: np.ndarray,
    kernel: np.ndarray | None,
    pool_size: int,
    table: dict[str, dict[str, float]] = TOLERANCES,
) -> dict[str, dict[str, float]]:
    """Bounds for window averages of ``features`` (s * s terms) mixed by ``kernel``: absolute
    errors scale with the features' magnitude times the kernel's sum of |weights|."""
    scale = np.abs(features).max() * (1.0 if kernel is None else max(1.0, np.abs(kernel).sum()))
    return input_scaled_tolerances(scale, table, terms=pool_size * pool_size)


# torch vs Keras outputs of a whole identity network with the same float32 weights. Reason:
# FaceNet chains ~130 convolutions; torch and TF sum each one's products in different orders,
# and those float32 rounding differences accumulate through the depth, so the per-operation
# float32 bound above cannot hold end to end. 1e-4 is the bound issue 5 sets for FaceNet.
NETWORK_TOLERANCES: dict[str, dict[str, float]] = {
    "float32": {"rtol": 1e-4, "atol": 1e-4},
}

# DlibFaceResNet and everything computed through it (JSIdentityLoss values, and gradients
# divided by their largest magnitude), torch vs TF in float32. Reason: 29 float32
# convolutions summed in different orders by ATen and TF; each backend is within
# ~4e-7 of dlib's own descriptors (tests/*/test_dlib_face_resnet.py), so the two differ
# by up to ~1e-6 absolute in a descriptor, which the temperature-0.5 softmax carries into
# the divergence.
IDENTITY_NETWORK_TOLERANCES: dict[str, dict[str, float]] = {
    "float32": {"rtol": 1e-4, "atol": 2e-6},
}
# JSIdentityLoss gradients w.r.t. the prediction, torch vs TF in float64 (both networks in
# float64), divided by the largest |gradient|. Reason: 29 float64 convolutions summed in
# different orders, and near-identical faces (losses down to ~1e-9) whose gradient is a
# small difference of large terms; measured max differences 4e-14 on a loss of 2.6e-5 and
# up to 7e-12 (3 of 192 values) at --hypothesis-seed 0, 5 and 9.
IDENTITY_GRADIENT_TOLERANCES: dict[str, dict[str, float]] = {
    "float64": {"rtol": 1e-8, "atol": 1e-10},
}
# The same gradients in float32 are compared by direction: the cosine of the angle between
# the TF and torch gradients is at least this. Reason: the network is piecewise linear
# (ReLU, max-pool), so its exact gradient jumps where an activation crosses zero or a
# pooling window changes its maximum, and float32 round-off (descriptors ~1e-6 apart) can
# put the two backends on different sides. Measured on the 8x8 face of
# `--hypothesis-seed=4` (loss 2.6e-5): the float64 gradient moves by 1.2% of max |grad|
# when the input moves by 1e-6 (64 float32 ulps), and TF's float32 gradient differs from
# torch's by the same 1.2% elementwise (0.5% in L2 norm, cosine 0.99999) while the
# float64 gradients of the two backends agree to 4e-14. No elementwise float32 bound
# holds for every input; the float64 comparison above carries the exact parity check.
IDENTITY_GRADIENT_FLOAT32_MIN_COSINE = 0.999

# VIF in float32 vs the float64 reference. Its noise variance sigma_v^2 = sigma_x^2 - g*sigma_xy
# is a difference of numbers up to ~1.6e4 (variances on the 0..255 scale) that nearly cancel
# when the prediction is close to a high-contrast target; float32 (6e-8 relative) leaves ~1e-3
# there, against sigma_n^2 = 2, so VIF moves by up to ~1e-4 (measured: 9.5e-5 for binary
# targets plus noise of 1e-4). On real faces the difference is ~3e-6 (tests/*/test_vif.py: 1e-5).
VIF_FLOAT32_TOLERANCES: dict[str, dict[str, float]] = {
    "float64": TOLERANCES["float64"],
    "float32": {"rtol": 1e-5, "atol": 2.5e-4},
}

# float16/bfloat16 inputs vs the float64 reference on the same half-rounded inputs. The rule
# (docs/conventions.rst) computes in float32 and rounds the result to the input's dtype
# once, so the error is that rounding (at most the unit roundoff u relative: 2**-11 for
# float16, 2**-8 for bfloat16) plus the float32 computation's own error (the float32
# ``atol``; VIF's, whose reason is given above, for VIF).
HALF_TOLERANCES: dict[str, dict[str, float]] = {
    "float16": {"rtol": 2.0**-11, "atol": TOLERANCES["float32"]["atol"]},
    "bfloat16": {"rtol": 2.0**-8, "atol": TOLERANCES["float32"]["atol"]},
}
HALF_VIF_TOLERANCES: dict[str, dict[str, float]] = {
    name: {**tol, "atol": VIF_FLOAT32_TOLERANCES["float32"]["atol"]}
    for name, tol in HALF_TOLERANCES.items()
}
