"""pytest configuration for the reference model's tests.

This folder has no ``__init__.py`` (it would clash with the repository's ``tests``
package), so every test file here is named ``test_eipnet_*.py`` and helpers
``eipnet_*.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("FACELOSS_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real face photographs of ``../shared/data``.

    Outside CI a missing folder skips the test (with the reason); under ``CI=true`` it fails.
    """
    if not SHARED_DATA.is_dir():
        message = (
            f"shared data folder not found at {SHARED_DATA}; set FACELOSS_SHARED_DATA to the "
            "folder holding celeba_fsrnet1000/ etc."
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA
