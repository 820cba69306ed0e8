"""Atomic file writes: the one way weights, checkpoints and reports reach the disk.

A file is written under a temporary name beside its target, synced (``fsync``), renamed
over the target (atomic on POSIX) and the folder entry synced, so a crash or a kill at any
moment leaves either the old file or the new one, never a half-written file under the
target's name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path to write in the ``with`` block; renamed over ``path`` when it ends.

    The temporary file, ``.<name>.<random>.<suffix>`` in ``path``'s folder (created with
    its parents), exists when the block starts, with the permissions ``open()`` would give
    (0666 less the umask). If the block raises, it is deleted and ``path`` is untouched; a
    kill leaves it behind, under a name no reader of ``path`` looks at.

    Args:
        path: the file to write.
        suffix: the temporary name's ending (Keras, for one, insists on ``.weights.h5``).

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "note.txt"
        >>> with atomic_path(target) as tmp:
        ...     _ = tmp.write_text("written whole or not at all")
        >>> target.read_text()
        'written whole or not at all'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(_temporary_name(path.name, secrets.token_hex(6), suffix))
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        handle = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def remove_leftovers(folder: str | os.PathLike[str], pattern: str, suffix: str = ".tmp") -> None:
    """Delete the temporary files that a kill during :func:`atomic_path` left in ``folder``.

    Args:
        folder: the targets' folder (a missing folder has nothing to delete).
        pattern: a glob for the targets' names, e.g. ``"step_*.pt"``.
        suffix: the ``suffix`` the targets were written with.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / ".step_1.pt.0a1b2c.tmp").write_bytes(b"half")  # a kill's leftover
        >>> _ = (folder / "step_0.pt").write_bytes(b"whole")
        >>> remove_leftovers(folder, "step_*.pt")
        >>> sorted(p.name for p in folder.iterdir())
        ['step_0.pt']
    """
    for leftover in Path(folder).glob(_temporary_name(pattern, "*", suffix)):
        leftover.unlink(missing_ok=True)


def _temporary_name(name: str, token: str, suffix: str) -> str:
    return f".{name}.{token}{suffix}"


def _fsync_folder(folder: Path) -> None:
    """Sync a folder's entries (a rename in it) to disk, where the platform allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
