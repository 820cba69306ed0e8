"""Copy a PyTorch ``state_dict`` into a Keras model whose sublayers carry the torch names.

The Keras model mirrors the torch module: every torch submodule is an attribute of the same
name (``nn.Sequential`` children are list items), so the torch key
``repeat_1.0.branch1.1.conv.weight`` names the Keras layer ``model.repeat_1[0].branch1[1].conv``
and its ``kernel``. Leaves are converted by the Keras layer type:

==========================  ============================  ========================================
Keras layer                 torch parameter               conversion
==========================  ============================  ========================================
``Conv2D``                  ``weight`` [out, in, h, w]    ``kernel`` = transpose to [h, w, in, out]
                            ``bias`` [out]                ``bias``
``Conv2DTranspose``         ``weight`` [in, out, h, w]    ``kernel`` = transpose to [h, w, out, in]
                            ``bias`` [out]                ``bias``
``Dense``                   ``weight`` [out, in]          ``kernel`` = transpose to [in, out]
                            ``bias`` [out]                ``bias``
``BatchNormalization``      ``weight``, ``bias``          ``gamma``, ``beta``
                            ``running_mean``/``_var``     ``moving_mean``/``moving_variance``
==========================  ============================  ========================================

``num_batches_tracked`` buffers carry no value for inference and are skipped. Neither torch
nor Keras is imported here: the state dict may hold torch tensors or NumPy arrays.
:func:`keras_to_torch` reads the same mapping the other way, into a torch ``state_dict``.

The transposed convolutions of both frameworks are the adjoint of the plain convolution
with the same kernel, so the kernel is only reordered, never flipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from faceloss.weights.layout import conv_kernel_torch_to_keras

_SKIPPED_SUFFIX = "num_batches_tracked"
_MAX_LISTED = 12

# Keras layer class name -> {torch parameter name: (Keras variable attribute, torch -> Keras)}.
_Transform = Callable[[np.ndarray], np.ndarray]
_LEAVES: dict[str, dict[str, tuple[str, _Transform | None]]] = {
    "Conv2D": {
        "weight": ("kernel", conv_kernel_torch_to_keras),
        "bias": ("bias", None),
    },
    "Conv2DTranspose": {
        "weight": ("kernel", lambda w: np.transpose(w, (2, 3, 1, 0))),
        "bias": ("bias", None),
    },
    "Dense": {"weight": ("kernel", lambda w: np.transpose(w)), "bias": ("bias", None)},
    "BatchNormalization": {
        "weight": ("gamma", None),
        "bias": ("beta", None),
        "running_mean": ("moving_mean", None),
        "running_var": ("moving_variance", None),
    },
}
# The torch shape a Keras variable of a given shape needs (the inverse transpose).
_TORCH_SHAPE: dict[tuple[str, str], Callable[[tuple[int, ...]], tuple[int, ...]]] = {
    ("Conv2D", "weight"): lambda s: (s[3], s[2], s[0], s[1]),
    ("Conv2DTranspose", "weight"): lambda s: (s[3], s[2], s[0], s[1]),
    ("Dense", "weight"): lambda s: (s[1], s[0]),
}
# Keras -> torch, the inverse of each transform above.
_TO_TORCH: dict[tuple[str, str], _Transform] = {
    ("Conv2D", "weight"): lambda k: np.transpose(k, (3, 2, 0, 1)),
    ("Conv2DTranspose", "weight"): lambda k: np.transpose(k, (3, 2, 0, 1)),
    ("Dense", "weight"): lambda k: np.transpose(k),
}


__all__ = ["keras_to_torch", "keras_weight_map", "torch_to_keras"]


def _to_numpy(value: Any, key: str) -> np.ndarray:
    if hasattr(value, "detach"):  # torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"state_dict[{key!r}] must hold floating-point values, got {array.dtype}")
    return array


def _state_dict_of(source: Any) -> Mapping[str, Any]:
    state_dict = source.state_dict() if callable(getattr(source, "state_dict", None)) else source
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            "torch_model_or_state_dict must be a torch.nn.Module or a mapping of parameter "
            f"names to tensors/arrays, got {type(source).__module__}.{type(source).__name__}"
        )
    return state_dict


def _children(layer: Any) -> list[tuple[str, Any]]:
    """Public attributes holding Keras layers (lists of layers become "name.i")."""
    import keras

    out = []
    for name, value in vars(layer).items():
        if name.startswith("_"):
            continue
        if isinstance(value, keras.layers.Layer):
            out.append((name, value))
        elif isinstance(value, (list, tuple)):
            out.extend(
                (f"{name}.{i}", item)
                for i, item in enumerate(value)
                if isinstance(item, keras.layers.Layer)
            )
    return out


def keras_weight_map(keras_model: Any) -> dict[str, tuple[Any, str, _Transform | None]]:
    """Map torch-style keys (``"conv2d_1a.conv.weight"``) to the Keras variables they fill.

    Walks the Keras model's public layer attributes (list items by index) down to
    ``Conv2D``, ``Conv2DTranspose``, ``Dense`` and ``BatchNormalization`` leaves.

    Args:
        keras_model: a built Keras model or layer whose sublayers carry torch attribute names.

    Returns:
        ``{torch key: (keras variable, Keras layer class name, transform or None)}``.

    Raises:
        TypeError: a layer that owns weights is not one of the supported leaf types, or
            some of the model's weights are not reachable through attribute names.

    Example:
        >>> import keras
        >>> class Net(keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = keras.layers.Dense(2)
        ...         self.fc.build((None, 3))
        >>> sorted(keras_weight_map(Net()))
        ['fc.bias', 'fc.weight']
    """
    mapping: dict[str, tuple[Any, str, _Transform | None]] = {}
    visited: set[int] = set()

    def walk(layer: Any, prefix: str) -> None:
        if id(layer) in visited:
            return
        visited.add(id(layer))
        kind = type(layer).__name__
        if kind in _LEAVES:
            for torch_name, (attribute, transform) in _LEAVES[kind].items():
                variable = getattr(layer, attribute, None)
                if variable is not None:
                    mapping[f"{prefix}{torch_name}"] = (variable, kind, transform)
            return
        for name, child in _children(layer):
            walk(child, f"{prefix}{name}.")

    walk(keras_model, "")
    covered = {id(variable) for variable, _, _ in mapping.values()}
    stray = [w.path for w in keras_model.weights if id(w) not in covered]
    if stray:
        raise TypeError(
            f"{len(stray)} Keras weight(s) are not reachable as Conv2D/Conv2DTranspose/Dense/"
            "BatchNormalization "
            f"sublayers named like the torch attributes: {stray[:_MAX_LISTED]}"
        )
    return mapping


def _listing(title: str, items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = f" (and {len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else ""
    return f"{len(items)} {title}: {shown}{more}"


def torch_to_keras(torch_model_or_state_dict: Any, keras_model: Any) -> Any:
    """Copy torch weights into a Keras model whose sublayers carry the torch attribute names.

    All keys and shapes are checked before any Keras variable changes: every Keras weight
    must get exactly one torch value of the matching (transposed) shape.

    Args:
        torch_model_or_state_dict: a ``torch.nn.Module`` or its ``state_dict()`` (values
            may be torch tensors or NumPy arrays), e.g. the result of
            :func:`faceloss.weights.facenet.load_facenet_state_dict`.
        keras_model: the built Keras twin, e.g. :class:`faceloss.tf.InceptionResnetV1`.

    Returns:
        ``keras_model``, with its weights replaced.

    Raises:
        TypeError: the source is neither a module nor a mapping, holds non-float values, or
            the Keras model has weights outside supported, torch-named sublayers.
        ValueError: keys are missing or unexpected, or shapes differ; the message lists them.

    Example:
        >>> import keras, torch
        >>> class Net(keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = keras.layers.Dense(2)
        ...         self.fc.build((None, 3))
        >>> source = {"fc.weight": torch.ones(2, 3), "fc.bias": torch.zeros(2)}
        >>> torch_to_keras(source, Net()).fc.kernel.numpy().tolist()
        [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    """
    state_dict = _state_dict_of(torch_model_or_state_dict)
    targets = keras_weight_map(keras_model)
    given = {k: v for k, v in state_dict.items() if not str(k).endswith(_SKIPPED_SUFFIX)}

    missing = sorted(set(targets) - set(given))
    unexpected = sorted(set(given) - set(targets))
    assignments = []
    mis_shaped = []
    for key in sorted(set(targets) & set(given)):
        variable, kind, transform = targets[key]
        array = _to_numpy(given[key], key)
        keras_shape = tuple(int(d) for d in variable.shape)
        want = _TORCH_SHAPE.get((kind, key.rsplit(".", 1)[-1]), lambda s: s)(keras_shape)
        if tuple(array.shape) != want:
            mis_shaped.append(f"{key} {tuple(array.shape)} (expected {want})")
            continue
        assignments.append((variable, transform(array) if transform else array))
    problems = [
        _listing(title, items)
        for title, items in (
            ("missing key(s)", missing),
            ("unexpected key(s)", unexpected),
            ("mis-shaped key(s)", mis_shaped),
        )
        if items
    ]
    if problems:
        raise ValueError(
            f"cannot copy the torch weights into {type(keras_model).__name__}: "
            + "; ".join(problems)
        )
    for variable, array in assignments:
        variable.assign(np.ascontiguousarray(array).astype(variable.dtype))
    return keras_model


def keras_to_torch(keras_model: Any) -> dict[str, np.ndarray]:
    """Read a Keras model's weights as a torch ``state_dict`` (NumPy arrays, torch layouts).

    The inverse of :func:`torch_to_keras`: the keys are the torch attribute paths of
    :func:`keras_weight_map`, kernels are reordered into torch's layouts. Load the result
    with ``module.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})``.

    Args:
        keras_model: a built Keras model or layer whose sublayers carry torch attribute names.

    Returns:
        ``{torch key: float array}``, sorted by key, each array a contiguous copy.

    Raises:
        TypeError: as :func:`keras_weight_map`.

    Example:
        >>> import keras
        >>> class Net(keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = keras.layers.Dense(2)
        ...         self.fc.build((None, 3))
        >>> {k: v.shape for k, v in keras_to_torch(Net()).items()}
        {'fc.bias': (2,), 'fc.weight': (2, 3)}
    """
    state: dict[str, np.ndarray] = {}
    for key, (variable, kind, _) in sorted(keras_weight_map(keras_model).items()):
        array = np.asarray(variable.numpy())
        transform = _TO_TORCH.get((kind, key.rsplit(".", 1)[-1]))
        state[key] = np.ascontiguousarray(transform(array) if transform else array)
    return state
