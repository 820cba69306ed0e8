"""EIPNet weights: copy between torch and Keras, and save/load as safetensors.

Files hold torch-layout tensors (``state_dict`` keys and shapes) in float32 and a
metadata block; either backend reads them (Keras kernels are reordered on the way, by
:func:`faceloss.weights.convert.torch_to_keras`). No pickle anywhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reference_model._atomic import atomic_path
from reference_model.networks.architecture import (
    DiscriminatorArchitecture,
    GeneratorArchitecture,
)

FORMAT = "eipnet-weights/1"
"""Value of the ``format`` metadata key of every file :func:`save_weights` writes."""

_NETWORKS = {GeneratorArchitecture: "generator", DiscriminatorArchitecture: "discriminator"}


def _is_torch(model: Any) -> bool:
    return any(c.__module__.startswith("torch") for c in type(model).__mro__)


def unwrap(model: Any) -> Any:
    """The network inside ``DistributedDataParallel`` / ``torch.compile`` wrappers.

    Example:
        >>> from reference_model import build_generator
        >>> net = build_generator("torch", channels=(8, 4, 4, 4))
        >>> unwrap(net) is net
        True
    """
    for _ in range(4):
        inner = getattr(model, "_orig_mod", None) or getattr(model, "module", None)
        if inner is None:
            break
        model = inner
    return model


def architecture_of(model: Any) -> GeneratorArchitecture | DiscriminatorArchitecture:
    """The architecture description an EIPNet network was built from.

    Raises:
        TypeError: ``model`` is not a network built by :func:`reference_model.build_generator`
            or :func:`reference_model.build_discriminator`.

    Example:
        >>> from reference_model import build_generator
        >>> architecture_of(build_generator("torch", channels=(8, 4, 4, 4))).channels
        (8, 4, 4, 4)
    """
    arch = getattr(unwrap(model), "architecture", None)
    if not isinstance(arch, (GeneratorArchitecture, DiscriminatorArchitecture)):
        raise TypeError(
            "expected an EIPNet generator or discriminator (reference_model.build_generator / "
            f"build_discriminator), got {type(model).__name__}"
        )
    return arch


def torch_layout_state(model: Any) -> dict[str, np.ndarray]:
    """A network's weights as ``{state_dict key: float32 array in torch layout}``.

    Works for torch modules (also wrapped by DDP or ``torch.compile``) and Keras models.

    Example:
        >>> from reference_model import build_generator
        >>> state = torch_layout_state(build_generator("torch", channels=(8, 4, 4, 4)))
        >>> state["up1.weight"].shape  # ConvTranspose2d: (in, out, kh, kw)
        (8, 4, 4, 4)
    """
    architecture_of(model)
    model = unwrap(model)
    if _is_torch(model):
        return {
            k: v.detach().to("cpu").float().contiguous().numpy()
            for k, v in model.state_dict().items()
        }
    from faceloss.weights.convert import keras_to_torch

    return {k: v.astype(np.float32) for k, v in keras_to_torch(model).items()}


def _load_state(model: Any, state: Mapping[str, np.ndarray], source: str) -> None:
    model = unwrap(model)
    if _is_torch(model):
        import torch

        own = model.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        shaped = [
            f"{k} {tuple(state[k].shape)} (expected {tuple(own[k].shape)})"
            for k in sorted(set(own) & set(state))
            if tuple(state[k].shape) != tuple(own[k].shape)
        ]
        problems = [
            f"{title}: {', '.join(items[:8])}{' ...' if len(items) > 8 else ''}"
            for title, items in (
                ("missing keys", missing),
                ("unexpected keys", unexpected),
                ("mis-shaped keys", shaped),
            )
            if items
        ]
        if problems:
            raise ValueError(
                f"cannot load {source} into {type(model).__name__}: " + "; ".join(problems)
            )
        with torch.no_grad():
            for key, value in own.items():
                value.copy_(torch.from_numpy(np.asarray(state[key])))
        return
    from faceloss.weights.convert import torch_to_keras

    try:
        torch_to_keras(dict(state), model)
    except ValueError as error:
        raise ValueError(f"cannot load {source} into {type(model).__name__}: {error}") from None


def _check_same_architecture(source: Any, target: Any, what: str) -> None:
    a, b = architecture_of(source), architecture_of(target)
    if a != b:
        raise ValueError(
            f"{what}: architectures differ: {type(a).__name__} {a.to_dict()} vs "
            f"{type(b).__name__} {b.to_dict()}"
        )


def copy_weights(source: Any, target: Any) -> Any:
    """Copy all weights of one EIPNet network into another of the same architecture.

    Either backend on either side (torch -> Keras, Keras -> torch, or the same backend);
    kernels are reordered between torch's and Keras' layouts. Everything is checked
    (architecture, names, shapes) before anything is written.

    Args:
        source: the network to read (torch module, possibly DDP/compiled, or Keras model).
        target: the network to overwrite in place.

    Returns:
        ``target``.

    Raises:
        TypeError: one side is not an EIPNet network.
        ValueError: the architectures, names or shapes differ (the message lists them).

    Example:
        >>> import numpy as np, torch
        >>> from reference_model import build_generator
        >>> a = build_generator("torch", channels=(8, 4, 4, 4))
        >>> b = build_generator("keras", channels=(8, 4, 4, 4))
        >>> _ = copy_weights(a, b)
        >>> lr = np.random.rand(1, 16, 16, 3).astype("float32")
        >>> want = a(torch.from_numpy(lr).permute(0, 3, 1, 2))[0].permute(0, 2, 3, 1)
        >>> bool(np.abs(b(lr)[0].numpy() - want.detach().numpy()).max() < 1e-4)
        True
    """
    _check_same_architecture(source, target, "copy_weights")
    _load_state(target, torch_layout_state(source), f"the weights of {type(source).__name__}")
    return target


def _metadata(model: Any, training_command: str | None, extra: Mapping[str, Any] | None) -> dict:
    import faceloss
    import reference_model

    arch = architecture_of(model)
    meta = {
        "format": FORMAT,
        "network": _NETWORKS[type(arch)],
        "architecture": json.dumps(arch.to_dict(), sort_keys=True),
        "faceloss_version": faceloss.__version__,
        "eipnet_version": reference_model.__version__,
    }
    if training_command is not None:
        meta["training_command"] = str(training_command)
    for key, value in (extra or {}).items():
        if key in meta:
            raise ValueError(f"metadata key {key!r} is reserved")
        meta[str(key)] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return meta


def save_weights(
    model: Any,
    path: str | os.PathLike[str],
    *,
    training_command: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    dtype: str = "float32",
) -> Path:
    """Write a network's weights to a safetensors file (torch layout, float32 or float16).

    The file is written to a temporary name beside ``path``, flushed and renamed, so a
    crash never leaves a half-written file under ``path``.

    Args:
        model: an EIPNet generator or discriminator of either backend.
        path: the ``.safetensors`` file to write.
        training_command: the command that trained it (stored in the metadata).
        metadata: more metadata (values that are not strings are stored as JSON).
        dtype: ``"float32"`` (training's checkpoints) or ``"float16"`` (half the bytes, for
            shipping: each weight rounded to 11 significant bits). :func:`load_weights`
            reads either into a network of any dtype.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Example:
        >>> import tempfile, pathlib
        >>> from reference_model import build_generator
        >>> net = build_generator("torch", channels=(8, 4, 4, 4))
        >>> path = save_weights(net, pathlib.Path(tempfile.mkdtemp()) / "g.safetensors")
        >>> read_weights(path)[1]["network"]
        'generator'
    """
    state = torch_layout_state(model)
    return _write(state, _metadata(model, training_command, metadata), Path(path), dtype)


def _write(
    state: Mapping[str, np.ndarray], meta: Mapping[str, str], path: Path, dtype: str
) -> Path:
    """Write ``state`` cast to ``dtype`` as a safetensors file, atomically."""
    from safetensors.numpy import save

    if dtype not in ("float32", "float16"):
        raise ValueError(f"dtype must be 'float32' or 'float16', got {dtype!r}")
    tensors = {k: v.astype(dtype) for k, v in state.items()}
    data = save(tensors, metadata=dict(meta))  # bytes: save_file recreated tmp as 0600
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def recast_weights(
    source: str | os.PathLike[str], path: str | os.PathLike[str], dtype: str = "float16"
) -> Path:
    """Copy a weights file with its tensors in another dtype and its metadata unchanged.

    How a run's ``best.safetensors`` (float32) becomes a shipped file of half the bytes.

    Args:
        source: a file written by :func:`save_weights` (e.g. by ``eipnet train``).
        path: the file to write (atomically, as :func:`save_weights` does).
        dtype: ``"float16"`` or ``"float32"``.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Example:
        >>> import tempfile, pathlib
        >>> from reference_model import build_generator
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> full = save_weights(build_generator("torch", channels=(8, 4, 4, 4)), folder / "a")
        >>> half = recast_weights(full, folder / "b")
        >>> read_weights(half)[0]["conv0.weight"].dtype
        dtype('float16')
        >>> read_weights(half)[1] == read_weights(full)[1]
        True
    """
    state, meta = read_weights(source)
    return _write(state, meta, Path(path), dtype)


def read_weights(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read an EIPNet safetensors file: ``(torch-layout arrays, metadata)``.

    The arrays keep the file's dtype: float32, or float16 for a file written with
    ``dtype="float16"`` or by :func:`recast_weights` (the shipped ``cpu-small``).

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is not a safetensors file written by :func:`save_weights`.

    Example:
        >>> read_weights("no/such/file.safetensors")
        Traceback (most recent call last):
        ...
        FileNotFoundError: no weights file at no/such/file.safetensors
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weights file at {path}")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:
            meta = dict(handle.metadata() or {})
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise ValueError(f"{path} is not a readable safetensors file: {error}") from None
    if meta.get("format") != FORMAT:
        raise ValueError(
            f"{path} is not an EIPNet weights file (metadata format {meta.get('format')!r}, "
            f"expected {FORMAT!r})"
        )
    return state, meta


def architecture_from_metadata(
    meta: Mapping[str, str],
) -> GeneratorArchitecture | DiscriminatorArchitecture:
    """The architecture a weights file was saved from (its ``network`` and ``architecture``).

    Example:
        >>> meta = {"network": "generator", "architecture": '{"variant": "official"}'}
        >>> architecture_from_metadata(meta).last_kernel
        1
    """
    kinds = {v: k for k, v in _NETWORKS.items()}
    if meta.get("network") not in kinds:
        raise ValueError(f"unknown network {meta.get('network')!r} in the weights metadata")
    description = json.loads(meta["architecture"])
    for key in ("channels", "pool_sizes"):
        if key in description:
            description[key] = tuple(description[key])
    return kinds[meta["network"]](**description)


def load_weights(model: Any, path: str | os.PathLike[str]) -> dict[str, str]:
    """Load a safetensors file written by :func:`save_weights` into a network, in place.

    Args:
        model: an EIPNet generator or discriminator of either backend, of the file's
            architecture.
        path: the ``.safetensors`` file.

    Returns:
        The file's metadata (``network``, ``architecture``, ``faceloss_version``,
        ``training_command``, ...).

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: not an EIPNet weights file, or one of another network or architecture
            (the message shows both).

    Example:
        >>> import tempfile, pathlib
        >>> from reference_model import build_generator
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.safetensors"
        >>> _ = save_weights(build_generator("torch", channels=(8, 4, 4, 4)), path)
        >>> load_weights(build_generator("keras", channels=(8, 4, 4, 4)), path)["network"]
        'generator'
        >>> load_weights(build_generator("torch", channels=(8, 4, 4, 8)), path)
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: ... holds a generator of architecture {...}, but the model is a generator ...
    """
    state, meta = read_weights(path)
    stored = architecture_from_metadata(meta)
    own = architecture_of(model)
    if stored != own:
        raise ValueError(
            f"{path} holds a {meta['network']} of architecture {stored.to_dict()}, but the "
            f"model is a {_NETWORKS[type(own)]} of architecture {own.to_dict()}"
        )
    _load_state(model, state, str(path))
    return meta
