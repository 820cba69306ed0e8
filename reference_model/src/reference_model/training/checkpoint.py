"""Crash-safe training checkpoints: atomic writes, the last K kept, loaded with weights_only.

A checkpoint is written to a temporary file in the same folder, flushed to disk
(``fsync``), renamed over its final name (atomic on POSIX) and the folder entry synced;
a kill at any moment leaves either the previous set of checkpoints or the new one, never a
half-written file under a checkpoint name. Files are ``step_<N>.pt`` under
``RUN/checkpoints``; the newest loadable one is the resume point.
"""

from __future__ import annotations

import random
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from reference_model._atomic import atomic_path, remove_leftovers

_NAME = re.compile(r"^step_(\d{9})\.pt$")


def checkpoint_path(folder: Path, step: int) -> Path:
    """``folder/step_<9-digit step>.pt``.

    Example:
        >>> checkpoint_path(Path("run/checkpoints"), 42).name
        'step_000000042.pt'
    """
    return Path(folder) / f"step_{step:09d}.pt"


def list_checkpoints(folder: Path) -> list[tuple[int, Path]]:
    """``(step, path)`` of the checkpoint files in ``folder``, oldest first (temp files ignored).

    Example:
        >>> list_checkpoints(Path("no/such/folder"))
        []
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def atomic_save(obj: Any, path: Path) -> Path:
    """``torch.save`` to ``path`` through a synced temporary file and an atomic rename.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "x.pt"
        >>> _ = atomic_save({"step": 3}, target)
        >>> torch.load(target, weights_only=True)
        {'step': 3}
    """
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as stream:
        torch.save(obj, stream)
    return path


def prune(folder: Path, keep_last: int, protect: tuple[Path, ...] = ()) -> None:
    """Delete all but the newest ``keep_last`` checkpoints (never one in ``protect``)."""
    items = list_checkpoints(folder)
    for _, path in items[: max(len(items) - keep_last, 0)]:
        if path not in protect:
            path.unlink(missing_ok=True)
    remove_leftovers(folder, "step_*.pt")


def load_latest(folder: Path, map_location: str | torch.device = "cpu") -> dict[str, Any] | None:
    """The newest checkpoint in ``folder`` that loads (``weights_only=True``), or ``None``.

    A file that fails to load (e.g. cut short by a full disk) is reported and skipped, so
    the run resumes from the one before.
    """
    for step, path in reversed(list_checkpoints(folder)):
        try:
            state = torch.load(path, map_location=map_location, weights_only=True)
        except Exception as error:
            warnings.warn(f"skipping unreadable checkpoint {path}: {error}", stacklevel=2)
            continue
        if state.get("step") != step:
            warnings.warn(f"skipping {path}: it holds step {state.get('step')}", stacklevel=2)
            continue
        state["path"] = str(path)
        return state
    return None


def rng_state() -> dict[str, Any]:
    """Every global random state (Python, NumPy, torch CPU and CUDA) as weights_only-safe data."""
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()  # noqa: NPY002 - global state, saved as is
    state: dict[str, Any] = {
        "python": [version, list(mt), gauss],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what :func:`rng_state` saved."""
    version, mt, gauss = state["python"]
    random.setstate((version, tuple(mt), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))  # noqa: NPY002
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
