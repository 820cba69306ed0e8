"""Serve MathJax from a pip-installed copy, so math renders without a network.

``django-static-mathjax`` (no dependencies) ships MathJax 3.2.2. We copy one file,
``tex-svg-full.js``: TeX input with every extension and SVG output with its fonts built
in, so nothing else is fetched when a page is read.
"""

from __future__ import annotations

from pathlib import Path

MATHJAX_FILE = "tex-svg-full.js"


def static_paths() -> list[str]:
    """The MathJax file for ``html_static_path``; ImportError names the package."""
    try:
        import mathjax
    except ImportError as error:  # pragma: no cover - a missing docs extra
        raise ImportError(
            "the docs render math offline with django-static-mathjax: pip install 'faceloss[docs]'"
        ) from error
    path = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / MATHJAX_FILE
    if not path.is_file():
        raise FileNotFoundError(f"MathJax file not found: {path}")
    return [str(path)]
