"""A progress bar that stays quiet when nobody watches (stderr not a terminal)."""

from __future__ import annotations

import sys
from typing import Any

from tqdm.auto import tqdm

__all__ = ["progress_bar"]


def progress_bar(total: int, description: str, enabled: bool | None = None) -> Any:
    """A ``tqdm`` bar over ``total`` items, counting faces.

    Args:
        total: the number of items.
        description: the bar's label.
        enabled: ``True``/``False`` to force; ``None`` shows it only when stderr is a
            terminal (logs and CI stay clean).

    Returns:
        The ``tqdm`` object (``update(n)``, ``close()``; a context manager).

    Example:
        >>> with progress_bar(3, "faces", enabled=False) as bar:
        ...     _ = bar.update(3)
        >>> bar.total, bar.disable
        (3, True)
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=description, unit="face", disable=not enabled, leave=False)
