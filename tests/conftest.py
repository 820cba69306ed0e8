"""Shared pytest configuration: quiet TensorFlow, hypothesis profiles, the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

# Before anything imports TensorFlow: no oneDNN reordering (deterministic float results
# across runs) and no C++ log spam.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest
from hypothesis import HealthCheck, settings

# CI runs every property 100 times, derandomized (the same 100 examples each run); on a
# developer's machine "dev" draws 200 fresh ones each run (pass --hypothesis-seed to repeat).
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


_default_profile = "ci" if _in_ci() else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FACELOSS_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real face photographs of ``../shared/data`` (present on dev machines and in CI).

    Without the folder a test that needs it fails in CI (``CI=true``) and skips elsewhere,
    so a fresh clone runs the rest; the core real-image checks (Canny against cv2, SSIM
    against skimage, detectors, the dlib network against dlib) also run on the faces
    scikit-image ships (``tests/packaged_faces.py``).
    """
    if not SHARED_DATA.is_dir():
        message = (
            f"shared data folder not found at {SHARED_DATA} (../shared/data beside the "
            "checkout); set FACELOSS_SHARED_DATA to the folder holding celeba_fsrnet1000/ etc."
        )
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA
