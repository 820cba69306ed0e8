"""Local intersphinx inventories: the external objects the docs link to, no download.

The build machine and CI have no network, and TensorFlow and Keras publish no
``objects.inv`` at all. So the few external objects that faceloss' docstrings and
guides name are listed here by hand, with the address of their page in the project's
own documentation, and written as Sphinx inventories (format version 2) into the
build folder when ``conf.py`` is read. A name missing here shows up as a nitpicky
warning, which fails the build (``-W -n``): add it with its address.
"""

from __future__ import annotations

import zlib
from pathlib import Path

_PY_CLASS = "py:class"
_PY_EXC = "py:exception"
_PY_FUNC = "py:function"
_PY_DATA = "py:data"
_PY_MOD = "py:module"

_PYTHON = [
    *[
        (name, _PY_CLASS, "library/functions.html#$")
        for name in ("int", "float", "bool", "str", "object", "type", "complex")
    ],
    *[
        (name, _PY_CLASS, "library/stdtypes.html#$")
        for name in ("tuple", "list", "dict", "bytes", "set", "frozenset", "range")
    ],
    ("None", _PY_DATA, "library/constants.html#$"),
    ("NotImplemented", _PY_DATA, "library/constants.html#$"),
    *[
        (name, _PY_EXC, "library/exceptions.html#$")
        for name in (
            "Exception",
            "ValueError",
            "TypeError",
            "ImportError",
            "RuntimeError",
            "FileNotFoundError",
            "OSError",
            "KeyError",
            "IndexError",
            "NotImplementedError",
        )
    ],
    *[
        (f"collections.abc.{name}", _PY_CLASS, "library/collections.abc.html#$")
        for name in ("Callable", "Sequence", "Iterable", "Iterator", "Mapping")
    ],
    *[
        (f"typing.{name}", _PY_DATA, "library/typing.html#$")
        for name in ("Any", "Literal", "Optional", "Union", "Callable")
    ],
    *[
        (f"typing.{name}", _PY_CLASS, "library/typing.html#$")
        for name in ("Protocol", "NamedTuple")
    ],
    ("abc.ABC", _PY_CLASS, "library/abc.html#$"),
    ("os.PathLike", _PY_CLASS, "library/os.html#$"),
    ("pathlib.Path", _PY_CLASS, "library/pathlib.html#$"),
    ("dataclasses.dataclass", _PY_FUNC, "library/dataclasses.html#$"),
    ("importlib.metadata", _PY_MOD, "library/importlib.metadata.html#module-$"),
    ("hashlib.sha256", _PY_FUNC, "library/hashlib.html#hashlib.sha256"),
]

_NUMPY = [
    ("numpy.ndarray", _PY_CLASS, "reference/generated/numpy.ndarray.html#$"),
    ("numpy.dtype", _PY_CLASS, "reference/generated/numpy.dtype.html#$"),
    *[
        (f"numpy.{name}", _PY_CLASS, "reference/arrays.scalars.html#$")
        for name in (
            "float64",
            "float32",
            "float16",
            "uint8",
            "int64",
            "bool_",
            "floating",
            "integer",
            "generic",
        )
    ],
    ("numpy.typing.ArrayLike", _PY_DATA, "reference/typing.html#$"),
    ("numpy.typing.NDArray", _PY_DATA, "reference/typing.html#$"),
    ("numpy.typing.DTypeLike", _PY_DATA, "reference/typing.html#$"),
    ("numpy.random.Generator", _PY_CLASS, "reference/random/generator.html#$"),
]

_TORCH = [
    ("torch.Tensor", _PY_CLASS, "tensors.html#$"),
    ("torch.dtype", _PY_CLASS, "tensor_attributes.html#$"),
    # autodoc writes the defining module's path of an annotation's class
    ("torch.nn.modules.module.Module", _PY_CLASS, "generated/torch.nn.Module.html#torch.nn.Module"),
    ("torch.device", _PY_CLASS, "tensor_attributes.html#$"),
    *[
        (f"torch.nn.{name}", _PY_CLASS, "generated/$.html#$")
        for name in (
            "Module",
            "Conv2d",
            "AvgPool2d",
            "BatchNorm2d",
            "Linear",
            "Parameter",
            "ConvTranspose2d",
        )
    ],
    ("torch.nn.functional.interpolate", _PY_FUNC, "generated/$.html#$"),
    ("torch.nn.functional.avg_pool2d", _PY_FUNC, "generated/$.html#$"),
    ("torch.load", _PY_FUNC, "generated/$.html#$"),
    ("torch.compile", _PY_FUNC, "generated/$.html#$"),
    ("torch.no_grad", _PY_CLASS, "generated/$.html#$"),
    ("torch.autocast", _PY_CLASS, "amp.html#$"),
    ("torch.jit.script", _PY_FUNC, "generated/$.html#$"),
]

# tensorflow.org pages are tf/<path>; every object is listed under "tf." and "tensorflow.".
_TF_OBJECTS = [
    ("Tensor", _PY_CLASS, "tf/Tensor"),
    ("Variable", _PY_CLASS, "tf/Variable"),
    ("DType", _PY_CLASS, "tf/dtypes/DType"),
    ("dtypes.DType", _PY_CLASS, "tf/dtypes/DType"),
    ("TensorSpec", _PY_CLASS, "tf/TensorSpec"),
    ("function", _PY_FUNC, "tf/function"),
    ("stop_gradient", _PY_FUNC, "tf/stop_gradient"),
    ("while_loop", _PY_FUNC, "tf/while_loop"),
    ("image.resize", _PY_FUNC, "tf/image/resize"),
    ("image.rgb_to_yuv", _PY_FUNC, "tf/image/rgb_to_yuv"),
    ("image.ssim", _PY_FUNC, "tf/image/ssim"),
    ("image.psnr", _PY_FUNC, "tf/image/psnr"),
    ("nn.avg_pool2d", _PY_FUNC, "tf/nn/avg_pool2d"),
]
_TF = [
    *[
        (f"{prefix}.{name}", role, uri)
        for prefix in ("tf", "tensorflow")
        for name, role, uri in _TF_OBJECTS
    ],
    # autodoc writes the defining module's path of an annotation's class
    ("tensorflow.python.framework.tensor.Tensor", _PY_CLASS, "tf/Tensor"),
    ("tensorflow.python.ops.variables.Variable", _PY_CLASS, "tf/Variable"),
]

_KERAS = [
    ("keras.layers.Layer", _PY_CLASS, "layers/base_layer/#layer-class"),
    ("keras.Layer", _PY_CLASS, "layers/base_layer/#layer-class"),
    ("keras.Model", _PY_CLASS, "models/model/#model-class"),
    ("keras.models.Model", _PY_CLASS, "models/model/#model-class"),
    ("keras.Sequential", _PY_CLASS, "models/sequential/#sequential-class"),
    ("keras.losses.Loss", _PY_CLASS, "losses/#loss-class"),
    ("keras.Loss", _PY_CLASS, "losses/#loss-class"),
    ("keras.metrics.Metric", _PY_CLASS, "metrics/base_metric/#metric-class"),
    ("keras.Metric", _PY_CLASS, "metrics/base_metric/#metric-class"),
    ("keras.Variable", _PY_CLASS, "layers/base_layer/#variable-class"),
    ("keras.layers.Conv2D", _PY_CLASS, "layers/convolution_layers/convolution2d/#conv2d-class"),
    ("keras.layers.Dense", _PY_CLASS, "layers/core_layers/dense/#dense-class"),
    (
        "keras.layers.BatchNormalization",
        _PY_CLASS,
        "layers/normalization_layers/batch_normalization/#batchnormalization-class",
    ),
    # autodoc writes the defining module's path of an annotation's class
    ("keras.src.layers.layer.Layer", _PY_CLASS, "layers/base_layer/#layer-class"),
    ("keras.src.metrics.metric.Metric", _PY_CLASS, "metrics/base_metric/#metric-class"),
    ("keras.src.models.model.Model", _PY_CLASS, "models/model/#model-class"),
    ("keras.src.losses.loss.Loss", _PY_CLASS, "losses/#loss-class"),
    (
        "keras.saving.load_model",
        _PY_FUNC,
        "models/model_saving_apis/model_saving_and_loading/#loadmodel-function",
    ),
    (
        "keras.saving.register_keras_serializable",
        _PY_FUNC,
        "models/model_saving_apis/serialization_utils/#registerkerasserializable-function",
    ),
    (
        "keras.saving.serialize_keras_object",
        _PY_FUNC,
        "models/model_saving_apis/serialization_utils/#serializekerasobject-function",
    ),
    (
        "keras.saving.deserialize_keras_object",
        _PY_FUNC,
        "models/model_saving_apis/serialization_utils/#deserializekerasobject-function",
    ),
]

PROJECTS = {
    "python": ("Python", "3", "https://docs.python.org/3/", _PYTHON),
    "numpy": ("NumPy", "2", "https://numpy.org/doc/stable/", _NUMPY),
    "torch": ("PyTorch", "2", "https://docs.pytorch.org/docs/stable/", _TORCH),
    "tensorflow": ("TensorFlow", "2", "https://www.tensorflow.org/api_docs/python/", _TF),
    "keras": ("Keras", "3", "https://keras.io/api/", _KERAS),
}


def inventory_bytes(project: str, version: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An ``objects.inv`` (format version 2) for ``(name, domain:role, uri)`` entries."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in entries)
    return header.encode() + zlib.compress(body.encode())


def mapping(folder: Path) -> dict[str, tuple[str, str]]:
    """Write every inventory into ``folder`` and return ``intersphinx_mapping``."""
    folder.mkdir(parents=True, exist_ok=True)
    result = {}
    for key, (project, version, base, entries) in PROJECTS.items():
        path = folder / f"{key}.inv"
        data = inventory_bytes(project, version, entries)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        result[key] = (base, str(path))
    return result
