"""Trained EIPNet weights that ship with the package, loaded by name or path.

``cpu-small`` is the ``cpu-small`` preset trained by ``eipnet train`` on the training split
of the CelebA-1000 faces; its model card (``cpu-small.md`` beside the weights) gives the
exact command, the data, the held-out results and the limits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reference_model.networks import build_generator
from reference_model.weights import architecture_from_metadata, load_weights, read_weights

PRETRAINED_DIR = Path(__file__).resolve().parent
"""Folder of the shipped ``<name>.safetensors`` files and their ``<name>.md`` model cards."""

DEFAULT_WEIGHTS = "cpu-small"
"""The weights ``eipnet upscale`` / ``evaluate`` / ``demo`` use when none are given."""


def available() -> list[str]:
    """Names of the shipped weights.

    Example:
        >>> isinstance(available(), list)
        True
    """
    return sorted(p.stem for p in PRETRAINED_DIR.glob("*.safetensors"))


def resolve_weights(name_or_path: str | os.PathLike[str] = DEFAULT_WEIGHTS) -> Path:
    """The file of shipped weights by name, or a given ``.safetensors`` path.

    Raises:
        FileNotFoundError: neither a shipped name nor an existing file (lists the names).

    Example:
        >>> resolve_weights("no-such-model")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileNotFoundError: no weights named 'no-such-model' ...
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = PRETRAINED_DIR / f"{name_or_path}.safetensors"
    if shipped.is_file():
        return shipped
    raise FileNotFoundError(
        f"no weights named {str(name_or_path)!r} and no such file; shipped weights: "
        f"{available()} (or give a .safetensors path written by eipnet train)"
    )


def load_generator(
    weights: str | os.PathLike[str] = DEFAULT_WEIGHTS, backend: str = "torch", **kwargs: Any
) -> Any:
    """Build the generator a weights file describes and load the weights into it.

    Args:
        weights: a shipped name (``"cpu-small"``) or a ``.safetensors`` path.
        backend: ``"torch"`` (returned in eval mode) or ``"keras"``.
        **kwargs: passed to :func:`reference_model.build_generator` (``channels_last``,
            ``dtype``).

    Returns:
        The generator; its ``architecture`` comes from the file.

    Example:
        >>> import tempfile, pathlib
        >>> from reference_model import save_weights
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.safetensors"
        >>> _ = save_weights(build_generator("torch", channels=(8, 4, 4, 4)), path)
        >>> load_generator(path).architecture.channels
        (8, 4, 4, 4)
    """
    path = resolve_weights(weights)
    _, meta = read_weights(path)
    architecture = architecture_from_metadata(meta)
    if meta.get("network") != "generator":
        raise ValueError(f"{path} holds a {meta.get('network')}, not a generator")
    model = build_generator(backend, architecture=architecture, **kwargs)
    load_weights(model, path)
    if backend == "torch":
        model.eval()
    return model
