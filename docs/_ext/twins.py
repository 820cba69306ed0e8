"""The NumPy / torch / TF twins of every public object, for the API pages.

``twin_map()`` maps each public name (``faceloss.torch.EdgeBlock``) to the same name in
the other backends that have it; the autosummary templates print those links on every
page. ``module_members()`` maps a module to the public names it defines, written the way
the API reference documents them (through the package that re-exports them).
"""

from __future__ import annotations

import importlib

BACKENDS = ("faceloss.reference", "faceloss.torch", "faceloss.tf")
LABELS = {
    "faceloss.reference": "NumPy",
    "faceloss.torch": "PyTorch",
    "faceloss.tf": "TensorFlow/Keras",
}
# Objects documented once although every backend exports them (one shared class).
SHARED = {"FaceRegionResult": "faceloss.reference.FaceRegionResult"}
# Module pages: the module's docstring and a table of its public names, each linked to
# the page that documents it (objects get one page, under the package that exports them).
MODULES = (
    "faceloss",
    "faceloss.spec",
    "faceloss.reference",
    "faceloss.torch",
    "faceloss.torch.functional",
    "faceloss.tf",
    "faceloss.detect",
    "faceloss.weights",
    "faceloss.weights.layout",
    "faceloss.weights.edge_block",
    "faceloss.weights.convert",
    "faceloss.weights.facenet",
    "faceloss.weights.dlib",
)
_DOCUMENTED_UNDER = {
    "faceloss.torch.functional": "faceloss.torch",
    "faceloss.weights.layout": "faceloss.weights",
    "faceloss.weights.edge_block": "faceloss.weights",
}


def _all(module: str) -> list[str]:
    """``__all__``, or the public functions and classes a small module defines."""
    mod = importlib.import_module(module)
    if hasattr(mod, "__all__"):
        return list(mod.__all__)
    return [
        name
        for name, obj in vars(mod).items()
        if not name.startswith("_") and callable(obj) and getattr(obj, "__module__", "") == module
    ]


def _names(module: str) -> list[str]:
    return [name for name in _all(module) if name != "functional"]


def canonical(module: str, name: str) -> str:
    """The full name under which the API reference documents ``module.name``."""
    if name in SHARED:
        return SHARED[name]
    obj = getattr(importlib.import_module(module), name)
    if isinstance(obj, type(importlib)):
        return obj.__name__
    home = getattr(obj, "__module__", module)
    if home in MODULES and home != module and home not in _DOCUMENTED_UNDER:
        return f"{home}.{name}"  # e.g. faceloss.weights.facenet.torch_to_keras
    return f"{_DOCUMENTED_UNDER.get(module, module)}.{name}"


def twin_map() -> dict[str, list[tuple[str, str]]]:
    """``{full name: [(backend label, twin full name), ...]}``, twins only."""
    names = {backend: set(_names(backend)) for backend in BACKENDS}
    result: dict[str, list[tuple[str, str]]] = {}
    for backend in BACKENDS:
        for name in names[backend]:
            if name in SHARED:
                continue
            twins = [
                (LABELS[other], f"{other}.{name}")
                for other in BACKENDS
                if other != backend and name in names[other]
            ]
            if twins:
                result[f"{backend}.{name}"] = twins
    return result


def module_members() -> dict[str, list[str]]:
    """``{module: [documented full names of its public objects]}``."""
    result = {}
    for module in MODULES:
        if module == "faceloss.spec":
            continue
        result[module] = [canonical(module, n) for n in _all(module) if n != "__version__"]
    return result
