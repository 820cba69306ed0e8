"""Importing faceloss is light; a missing backend gives an ImportError that names the extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_faceloss_imports_neither_torch_nor_tensorflow():
    result = _run(
        """
        import sys
        import faceloss, faceloss.spec, faceloss.reference
        heavy = sorted(m for m in ("torch", "tensorflow", "keras") if m in sys.modules)
        print(",".join(heavy) or "none")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


@pytest.mark.parametrize(
    ("blocked", "module", "extra"),
    [
        ("torch", "faceloss.torch", "faceloss[torch]"),
        ("tensorflow", "faceloss.tf", "faceloss[tf-cpu]"),
    ],
)
def test_missing_backend_raises_import_error_naming_the_extra(blocked, module, extra):
    # sys.modules[name] = None makes `import name` raise ImportError, as if not installed.
    result = _run(
        f"""
        import sys
        sys.modules[{blocked!r}] = None
        try:
            import {module}
        except ImportError as error:
            print("ImportError:", error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ImportError:"), result.stdout
    assert extra in result.stdout


def test_version_is_a_string():
    import faceloss

    assert isinstance(faceloss.__version__, str)
    assert faceloss.__version__.count(".") == 2
