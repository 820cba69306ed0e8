"""Render the prose docstrings of ``faceloss.spec`` constants as prose.

Napoleon reads the first line of a module-level data docstring as the Google
"inline attribute" form ``Type: description``, so a constant documented as
"Search step ratio of the LBP detector (1: exhaustive ...)" would render with the type
"Search step ratio of the LBP detector (1". faceloss annotates its constants
(``LBP_STEP_RATIO: float = 1.0``), so the inline type form is never used: this keeps
the whole docstring as the description and lets autodoc show the annotation.
"""

from __future__ import annotations

from sphinx.ext.napoleon import docstring


def _parse_attribute_docstring(self: docstring.GoogleDocstring) -> list[str]:
    lines = self._consume_to_end()
    return self.__class__(self._dedent(lines), self._config).lines()


def install() -> None:
    """Patch napoleon's Google parser (called from ``conf.py``)."""
    docstring.GoogleDocstring._parse_attribute_docstring = _parse_attribute_docstring
