"""Finding the image files under a folder."""

from __future__ import annotations

from pathlib import Path

__all__ = ["IMAGE_EXTENSIONS", "find_images"]

#: File name endings read as images (compared case-insensitively).
IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pnm"}
)


def find_images(root: str | Path) -> list[Path]:
    """The image files under ``root``, recursively, sorted by relative path.

    Files whose name ends with one of :data:`IMAGE_EXTENSIONS` (any case) count as images;
    hidden files and folders (a name starting with ``.``, e.g. macOS ``._x.jpg``) are
    skipped. Whether a file really decodes is checked later, when it is read.

    Args:
        root: a folder.

    Returns:
        The image paths (``root / relative``), sorted by their relative POSIX path, so
        the order is the same on every machine.

    Raises:
        FileNotFoundError: ``root`` does not exist.
        NotADirectoryError: ``root`` is a file.
        ValueError: ``root`` is empty, or holds files but no image files.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for name in ["b/2.PNG", "a.jpg", "notes.txt"]:
        ...         path = Path(tmp, name)
        ...         path.parent.mkdir(parents=True, exist_ok=True)
        ...         _ = path.write_bytes(b"")
        ...     [p.relative_to(tmp).as_posix() for p in find_images(tmp)]
        ['a.jpg', 'b/2.PNG']
    """
    folder = Path(root)
    if not folder.exists():
        raise FileNotFoundError(f"image folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise NotADirectoryError(f"image folder {str(folder)!r} is a file, not a folder")
    images: list[tuple[str, Path]] = []
    others = 0
    example_other = ""
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix.lower() in IMAGE_EXTENSIONS:
            images.append((relative.as_posix(), path))
        else:
            others += 1
            example_other = example_other or relative.as_posix()
    if not images:
        if others == 0:
            raise ValueError(f"image folder {str(folder)!r} is empty")
        raise ValueError(
            f"image folder {str(folder)!r} has no image files (looked for "
            f"{', '.join(sorted(IMAGE_EXTENSIONS))}); it holds {others} other file(s), "
            f"e.g. {example_other!r}"
        )
    images.sort(key=lambda item: item[0])
    return [path for _, path in images]
