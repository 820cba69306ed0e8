"""Train / validation / test splits of a folder of faces."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Literal

from .files import find_images

__all__ = ["CELEBA_PARTITION_FILE", "Split", "split_files", "split_of"]

Split = Literal["train", "val", "test"]
_SPLITS = ("train", "val", "test")
#: CelebA's official partition (``<file name> <0 train | 1 val | 2 test>`` per line).
CELEBA_PARTITION_FILE = "list_eval_partition.txt"


def split_of(key: str, val_fraction: float, test_fraction: float, seed: int = 0) -> Split:
    """The split of one key (a relative file name or an identity folder) by hashing it.

    ``u = sha256(f"{seed}:{key}")`` read as a number in [0, 1): ``"test"`` when
    ``u < test_fraction``, ``"val"`` when ``u < test_fraction + val_fraction``, else
    ``"train"``. Each key's side depends on the key and seed alone, so adding files never
    moves the others.

    Args:
        key: the name hashed.
        val_fraction: expected fraction in ``"val"``, in [0, 1].
        test_fraction: expected fraction in ``"test"``, in [0, 1], summing with
            ``val_fraction`` to at most 1.
        seed: another seed gives another split.

    Returns:
        ``"train"``, ``"val"`` or ``"test"``.

    Example:
        >>> split_of("000001.jpg", 0.0, 1.0), split_of("000001.jpg", 0.0, 0.0)
        ('test', 'train')
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2.0**64
    if u < test_fraction:
        return "test"
    if u < test_fraction + val_fraction:
        return "val"
    return "train"


def _find_partition(root: Path) -> Path | None:
    for folder in (root, root.parent, root / "Eval", root.parent / "Eval"):
        candidate = folder / CELEBA_PARTITION_FILE
        if candidate.is_file():
            return candidate
    return None


def _read_partition(path: Path) -> dict[str, Split]:
    table: dict[str, Split] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2 or fields[1] not in {"0", "1", "2"}:
            raise ValueError(f"{path}:{number}: expected '<file> <0|1|2>', got {line!r}")
        table[fields[0]] = _SPLITS[int(fields[1])]
    return table


def _identity_layout(root: Path, files: list[Path]) -> bool:
    """One sub-folder per person: every image sits exactly one folder below ``root``."""
    folders = {f.relative_to(root).parts[0] for f in files}
    return len(folders) >= 2 and all(len(f.relative_to(root).parts) == 2 for f in files)


def split_files(
    root: str | Path,
    split: Split,
    val_fraction: float = 0.05,
    test_fraction: float = 0.1,
    seed: int = 0,
    by_identity: bool | None = None,
    partition_file: str | Path | None = None,
) -> list[Path]:
    """The image files of one split of a folder.

    With CelebA's ``list_eval_partition.txt`` (given, or found in ``root``, its parent or
    an ``Eval/`` folder beside them) the files go where it says (matched by file name;
    files it does not list are left out, with a warning). Otherwise each file goes by
    :func:`split_of` on its relative path; when the folder has one sub-folder per person
    (``root/<identity>/<image>``, detected when ``by_identity`` is ``None``) the
    identity folder's name is hashed instead, so a person is never on both sides.

    The defaults keep ~85% / 5% / 10%: ``../shared/data/celeba_fsrnet1000/HR`` (1000
    faces, no partition file) splits into 853 train, 48 val and 99 test faces (seed 0).

    Args:
        root: the image folder.
        split: ``"train"``, ``"val"`` or ``"test"``.
        val_fraction: expected validation fraction (hash split only).
        test_fraction: expected test fraction (hash split only).
        seed: seed of the hash split.
        by_identity: hash identity folders (``True``), relative file names (``False``),
            or detect (``None``).
        partition_file: an explicit CelebA partition file.

    Returns:
        The split's files, sorted as :func:`find_images` sorts them.

    Raises:
        ValueError: bad ``split`` or fractions, a malformed partition file, or the errors
            of :func:`find_images`; ``by_identity=True`` on a folder without identity
            sub-folders.
        FileNotFoundError: ``root`` or ``partition_file`` is missing.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for i in range(100):
        ...         _ = Path(tmp, f"{i:03d}.png").write_bytes(b"")
        ...     sizes = [len(split_files(tmp, s)) for s in ("train", "val", "test")]
        >>> sizes, sum(sizes)
        ([79, 5, 16], 100)
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    if val_fraction + test_fraction > 1.0:
        raise ValueError(
            f"val_fraction + test_fraction must be at most 1, got {val_fraction + test_fraction!r}"
        )
    folder = Path(root)
    files = find_images(folder)
    partition = Path(partition_file) if partition_file is not None else _find_partition(folder)
    if partition is not None:
        if not partition.is_file():
            raise FileNotFoundError(f"partition_file {str(partition)!r} does not exist")
        table = _read_partition(partition)
        unlisted = [f for f in files if f.name not in table]
        if unlisted:
            warnings.warn(
                f"{len(unlisted)} of {len(files)} images under {str(folder)!r} are not in "
                f"{partition} (e.g. {unlisted[0].name!r}) and are left out of every split",
                UserWarning,
                stacklevel=2,
            )
        return [f for f in files if table.get(f.name) == split]
    identity = _identity_layout(folder, files) if by_identity is None else by_identity
    if identity and not _identity_layout(folder, files):
        raise ValueError(
            f"by_identity=True but {str(folder)!r} is not one sub-folder per person "
            "(root/<identity>/<image>)"
        )

    def key(path: Path) -> str:
        relative = path.relative_to(folder)
        return relative.parts[0] if identity else relative.as_posix()

    return [f for f in files if split_of(key(f), val_fraction, test_fraction, seed) == split]
