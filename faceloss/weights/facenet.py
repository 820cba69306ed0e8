"""Read facenet-pytorch's FaceNet checkpoints (VGGFace2) from a path you give, safely.

faceloss downloads nothing. Get ``20180402-114759-vggface2.pt`` yourself (see the FaceNet
guide, ``docs/facenet.rst``), then::

    state_dict = load_facenet_state_dict(path, sha256=spec.FACENET_VGGFACE2_SHA256)

The file is hashed before it is unpickled, read with ``torch.load(weights_only=True)`` (no
arbitrary pickle), and its key names and shapes are checked against
:class:`faceloss.torch.InceptionResnetV1`. :func:`load_facenet` and
:func:`load_facenet_keras` build the torch or Keras network from it in one call.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from faceloss.weights.convert import torch_to_keras

__all__ = [
    "file_sha256",
    "load_facenet",
    "load_facenet_keras",
    "load_facenet_state_dict",
    "torch_to_keras",
]

_SKIPPED_SUFFIX = "num_batches_tracked"
_LOGITS_KEYS = ("logits.weight", "logits.bias")
_MAX_LISTED = 12
_SHA256 = re.compile(r"[0-9a-f]{64}")


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 hex digest of a file, read in 1 MiB chunks.

    Args:
        path: the file.

    Returns:
        64 lowercase hex digits, the same as ``sha256sum path`` prints.

    Example:
        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "abc.txt"
        ...     _ = path.write_bytes(b"abc")
        ...     print(file_sha256(path)[:16])
        ba7816bf8f01cfea
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_file(path: str | os.PathLike[str], sha256: str | None) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no FaceNet checkpoint file at {str(path)!r}; faceloss downloads nothing: get "
            "20180402-114759-vggface2.pt as described in the FaceNet guide and pass its path"
        )
    if sha256 is not None:
        if not isinstance(sha256, str):
            raise TypeError(f"sha256 must be a str or None, got {type(sha256).__name__}")
        if not _SHA256.fullmatch(sha256.lower()):
            raise ValueError(f"sha256 must be 64 hexadecimal digits, got {sha256!r}")
        actual = file_sha256(path)
        if actual != sha256.lower():
            raise ValueError(
                f"sha256 mismatch for {str(path)!r}: the file hashes to {actual}, expected "
                f"{sha256.lower()}; it is truncated, corrupt or a different file"
            )
    return path


def _read(path: Path) -> dict[str, torch.Tensor]:
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch.load raises many types for damaged or foreign files
        raise ValueError(
            f"cannot read {str(path)!r} as a weights-only torch checkpoint "
            f"(torch.load(..., weights_only=True)): {type(error).__name__}: {error}"
        ) from error
    if not isinstance(loaded, Mapping) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in loaded.items()
    ):
        hint = ""
        if isinstance(loaded, Mapping):
            hint = f" with top-level keys {sorted(map(str, loaded))[:_MAX_LISTED]}"
        raise ValueError(
            f"{str(path)!r} does not hold a flat state_dict (parameter name -> tensor) in "
            f"facenet-pytorch's format; found a {type(loaded).__name__}{hint}"
        )
    return dict(loaded)


def _expected_shapes(num_classes: int | None) -> dict[str, tuple[int, ...]]:
    from faceloss.torch.inception_resnet_v1 import InceptionResnetV1

    with torch.device("meta"):
        template = InceptionResnetV1(num_classes=num_classes)
    return {
        k: tuple(v.shape)
        for k, v in template.state_dict().items()
        if not k.endswith(_SKIPPED_SUFFIX)
    }


def _listing(title: str, items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = f" (and {len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else ""
    return f"{len(items)} {title}: {shown}{more}"


def _verify(state_dict: Mapping[str, torch.Tensor], source: str) -> None:
    logits = state_dict.get("logits.weight")
    num_classes = None
    if logits is not None and logits.ndim >= 1 and logits.shape[0] >= 1:
        num_classes = int(logits.shape[0])
    expected = _expected_shapes(num_classes)
    given = {k: v for k, v in state_dict.items() if not k.endswith(_SKIPPED_SUFFIX)}
    missing = sorted(set(expected) - set(given))
    if num_classes is None:
        # A checkpoint without the classifier (facenet-pytorch's "features" files) is valid.
        missing = [k for k in missing if k not in _LOGITS_KEYS]
    unexpected = sorted(set(given) - set(expected))
    mis_shaped = [
        f"{k} {tuple(given[k].shape)} (expected {expected[k]})"
        for k in sorted(set(expected) & set(given))
        if tuple(given[k].shape) != expected[k]
    ]
    not_float = sorted(k for k, v in given.items() if not v.is_floating_point())
    problems = [
        _listing(title, items)
        for title, items in (
            ("missing key(s)", missing),
            ("unexpected key(s)", unexpected),
            ("mis-shaped key(s)", mis_shaped),
            ("non-floating-point key(s)", not_float),
        )
        if items
    ]
    if problems:
        raise ValueError(
            f"{source} is not a facenet-pytorch InceptionResnetV1 state_dict: "
            + "; ".join(problems)
        )


def load_facenet_state_dict(
    path: str | os.PathLike[str], sha256: str | None = None
) -> dict[str, torch.Tensor]:
    """Read and verify a facenet-pytorch InceptionResnetV1 checkpoint from a local file.

    The format is facenet-pytorch's: a flat ``state_dict`` saved with ``torch.save`` whose
    keys are :class:`faceloss.torch.InceptionResnetV1`'s (``conv2d_1a.conv.weight``,
    ``repeat_1.0.branch1.1.bn.running_var``, ..., ``last_bn.bias``), optionally with the
    classifier ``logits.weight`` [C, 512] and ``logits.bias`` [C] (C = 8631 in
    ``20180402-114759-vggface2.pt``). ``num_batches_tracked`` buffers may be present or not.

    Order of checks: the file exists; its SHA-256 (when ``sha256`` is given, before the file
    is unpickled); ``torch.load(path, map_location="cpu", weights_only=True)``; then every
    key name and shape against the architecture.

    Args:
        path: the checkpoint file.
        sha256: the expected SHA-256 hex digest, e.g.
            :data:`faceloss.spec.FACENET_VGGFACE2_SHA256` for the public VGGFace2 file;
            ``None`` skips the hash check.

    Returns:
        The state dict (CPU tensors), ready for ``InceptionResnetV1.load_state_dict`` (drop
        the ``logits.*`` keys for a model built without ``num_classes``; :func:`load_facenet`
        does this) or :func:`~faceloss.weights.convert.torch_to_keras`.

    Raises:
        TypeError: ``path`` is not a path, or ``sha256`` not a string.
        FileNotFoundError: no file at ``path``.
        ValueError: malformed ``sha256`` or a hash mismatch; a file torch cannot read with
            ``weights_only=True`` (truncated, corrupt, not a checkpoint); content that is
            not a flat name -> tensor mapping; missing, unexpected or mis-shaped keys (all
            listed in the message).

    Example:
        >>> import pathlib, tempfile, torch
        >>> from faceloss.torch import InceptionResnetV1
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "facenet.pt"
        ...     torch.save(InceptionResnetV1(num_classes=10).state_dict(), path)
        ...     state_dict = load_facenet_state_dict(path, sha256=file_sha256(path))
        >>> tuple(state_dict["logits.weight"].shape)
        (10, 512)
    """
    path = _check_file(path, sha256)
    state_dict = _read(path)
    _verify(state_dict, repr(str(path)))
    return state_dict


def _fit_to_model(
    state_dict: dict[str, torch.Tensor], num_classes: int | None, source: str
) -> dict[str, torch.Tensor]:
    """Drop the checkpoint's classifier for an embedding-only model; require a matching one."""
    has_logits = "logits.weight" in state_dict
    if num_classes is None:
        return {k: v for k, v in state_dict.items() if k not in _LOGITS_KEYS}
    if not has_logits:
        raise ValueError(
            f"num_classes={num_classes} asks for the logits layer, but {source} has none"
        )
    found = int(state_dict["logits.weight"].shape[0])
    if found != num_classes:
        raise ValueError(
            f"num_classes={num_classes} does not match the checkpoint's logits layer, which "
            f"has {found} classes ({source})"
        )
    return state_dict


def load_facenet(path: str | os.PathLike[str], sha256: str | None = None, **kwargs: Any) -> Any:
    """Build :class:`faceloss.torch.InceptionResnetV1` with the weights of a checkpoint.

    Args:
        path: a facenet-pytorch checkpoint (see :func:`load_facenet_state_dict`).
        sha256: the expected SHA-256, or ``None``.
        **kwargs: :class:`faceloss.torch.InceptionResnetV1` arguments (``normalize``,
            ``classify``, ``num_classes``, ``trainable``...). Without ``num_classes`` the
            checkpoint's classifier is not loaded (embeddings need none).

    Returns:
        The model, frozen and in eval mode unless ``trainable=True``.

    Raises:
        The errors of :func:`load_facenet_state_dict`, and ValueError when ``num_classes``
        differs from the checkpoint's classifier or the checkpoint has none.

    Example:
        >>> import pathlib, tempfile, torch
        >>> from faceloss.torch import InceptionResnetV1
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "facenet.pt"
        ...     torch.save(InceptionResnetV1(num_classes=10).state_dict(), path)
        ...     net = load_facenet(path, normalize=False)
        >>> net(torch.rand(1, 3, 160, 160)).shape
        torch.Size([1, 512])
    """
    from faceloss.torch.inception_resnet_v1 import InceptionResnetV1

    model = InceptionResnetV1(**kwargs)
    state_dict = _fit_to_model(
        load_facenet_state_dict(path, sha256), model.num_classes, repr(str(path))
    )
    model.load_state_dict(state_dict, strict=True)
    return model


def load_facenet_keras(
    path: str | os.PathLike[str], sha256: str | None = None, **kwargs: Any
) -> Any:
    """Build :class:`faceloss.tf.InceptionResnetV1` with the weights of a torch checkpoint.

    Reads the checkpoint with :func:`load_facenet_state_dict` (torch is needed to read the
    file) and converts it with :func:`~faceloss.weights.convert.torch_to_keras`. Save the result with
    ``model.save("facenet.keras")`` to use it later without torch.

    Args:
        path: a facenet-pytorch checkpoint (see :func:`load_facenet_state_dict`).
        sha256: the expected SHA-256, or ``None``.
        **kwargs: :class:`faceloss.tf.InceptionResnetV1` arguments. Without ``num_classes``
            the checkpoint's classifier is not converted.

    Returns:
        The Keras model, frozen unless ``trainable=True``.

    Raises:
        The errors of :func:`load_facenet_state_dict` and :func:`~faceloss.weights.convert.torch_to_keras`.

    Example:
        >>> import pathlib, tempfile, torch
        >>> from faceloss.torch import InceptionResnetV1
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "facenet.pt"
        ...     torch.save(InceptionResnetV1().state_dict(), path)
        ...     net = load_facenet_keras(path)
        >>> net.embedding_dim, len(net.trainable_weights)
        (512, 0)
    """
    from faceloss.tf.inception_resnet_v1 import InceptionResnetV1

    model = InceptionResnetV1(**kwargs)
    state_dict = _fit_to_model(
        load_facenet_state_dict(path, sha256), model.num_classes, repr(str(path))
    )
    return torch_to_keras(state_dict, model)
