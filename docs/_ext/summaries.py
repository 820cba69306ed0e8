"""Autosummary one-line summaries that do not stop at "eq." or "Fig.".

Autosummary's tables show a docstring's first sentence. It ends a sentence at a period
followed by a space unless the text so far ends with one of its
``WELL_KNOWN_ABBREVIATIONS`` (" e.g.", " i.e."), so "Edge loss (eq. 3), summed over
scales." became "Edge loss (eq.". This adds the abbreviations of faceloss' docstrings.
"""

from __future__ import annotations

from sphinx.ext import autosummary

ABBREVIATIONS = tuple(
    f"{before}{word}."
    for before in (" ", "(")
    for word in ("eq", "eqs", "Eq", "Eqs", "Fig", "Figs", "Table", "vs", "al")
)


def install() -> None:
    """Extend autosummary's list of abbreviations (called from ``conf.py``)."""
    known = autosummary.WELL_KNOWN_ABBREVIATIONS
    autosummary.WELL_KNOWN_ABBREVIATIONS = known + tuple(a for a in ABBREVIATIONS if a not in known)
