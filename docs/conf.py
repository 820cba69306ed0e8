"""Sphinx configuration for the faceloss documentation.

Everything here works offline: math is rendered by a MathJax copy installed from PyPI
(``django-static-mathjax``), and intersphinx reads inventories that ``_ext/inventories.py``
writes at build time from a short, hand-checked list of external objects.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "_ext"))

import inventories  # noqa: E402  (docs/_ext, put on sys.path above)
import mathjax_offline  # noqa: E402
import napoleon_constants  # noqa: E402
import summaries  # noqa: E402
import twins  # noqa: E402

import faceloss  # noqa: E402

project = "faceloss"
author = "faceloss developers"
copyright = "2026, faceloss developers"
release = faceloss.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
    "sphinx_design",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "_templates", "figures"]
templates_path = ["_templates"]

# --- API reference: one page per public object -------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autosummary_ignore_module_all = False
autosummary_context = {"twins": twins.twin_map(), "module_members": twins.module_members()}
autodoc_inherit_docstrings = False  # no torch/Keras base-class docstrings on our methods
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
add_module_names = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_constants.install()  # faceloss.spec docstrings are prose, not "Type: text" fields
summaries.install()  # one-line summaries do not stop at "eq." or "Fig."

# --- nitpicky: every reference must resolve -----------------------------------------------
nitpicky = True
nitpick_ignore_regex = [
    # Private modules and helpers named in docstrings for maintainers: deliberately
    # not part of the documented API (the site shows no private names).
    (r"py:.*", r"(faceloss\.)?([a-z_.]*\.)?_[a-z][A-Za-z0-9_.]*"),
    # The identity losses' type alias for "a callable mapping faces to embeddings",
    # Callable[[Tensor], Tensor]: a name in the signature, not an object to document.
    (r"py:class", r"Network"),
]

# --- intersphinx, offline -----------------------------------------------------------------
intersphinx_mapping = inventories.mapping(HERE / "_build" / "inventories")
intersphinx_timeout = 1

# --- math, offline --------------------------------------------------------------------------
html_static_path = ["_static", *mathjax_offline.static_paths()]
mathjax_path = mathjax_offline.MATHJAX_FILE

# --- plots: generated at build time from faces that scikit-image ships ------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.dpi": 110, "savefig.bbox": "tight", "font.size": 9}
plot_working_directory = str(HERE / "figures")
plot_pre_code = ""

# --- HTML ---------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"faceloss {release}"
html_css_files = ["faceloss.css"]
html_theme_options = {
    "source_directory": "docs/",
    "navigation_with_keys": True,
}
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_exclude = ".linenos, .gp, .go"
myst_heading_anchors = 3
# benchmarks.rst includes benchmarks/README.md under its own title, so the README's
# "##" sections are deliberately the page's first level.
suppress_warnings = ["myst.header"]


def _require_docstring(app, what, name, obj, options, lines):
    """A public object documented without a docstring is a warning, so ``-W`` fails."""
    if what in {"module", "class", "exception", "function", "data"} and not "".join(lines).strip():
        from sphinx.util import logging

        logging.getLogger("faceloss.docs").warning(
            "%s %s has no docstring", what, name, type="faceloss", subtype="docstring"
        )


def setup(app):
    app.connect("autodoc-process-docstring", _require_docstring, priority=400)
