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

settings.register_profile(
    "ci",
    max_examples=25,
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
_default_profile = "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FACELOSS_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real face photographs of ``../shared/data`` (present on dev machines and in CI)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(
            f"shared data folder not found at {SHARED_DATA}; set FACELOSS_SHARED_DATA to the "
            "folder holding celeba_fsrnet1000/ etc."
        )
    return SHARED_DATA
