"""Twins do not drift: every public object is documented, and torch/TF namesakes agree.

For every public name exported by faceloss.torch and faceloss.tf (and the NumPy
reference): a docstring with a runnable example, documented arguments equal to the
signature, and for names present in several backends the same summary line and the
same parameters (up to torch's ``dim`` for ``axis`` and documented layout-only ones).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re

import pytest

BACKENDS = ("faceloss.reference", "faceloss.torch", "faceloss.tf")
RENAMES = {"dim": "axis"}
# Arguments that exist in one backend only because of the framework (documented there).
BACKEND_ONLY = {"channels", "name", "dtype", "reduction", "kwargs", "args", "trainable"}


def _public(module_name):
    module = importlib.import_module(module_name)
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


def _documented_args(doc: str, section: str = "Args") -> list[str]:
    match = re.search(rf"\n\s*{section}:\n(.*?)(\n\s*\n\s*[A-Z][A-Za-z ]*:\n|\Z)", doc, re.S)
    if not match:
        return []
    lines = match.group(1).splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    names = [
        line.strip().split(":")[0].split(" (")[0].lstrip("*")
        for line in lines
        if line.strip() and len(line) - len(line.lstrip()) == indent
    ]
    return [n for n in names if n not in {"args", "kwargs"}]


def _parameters(obj) -> list[str]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = inspect.signature(target).parameters
    return [p for p in params if p not in {"self", "cls"}]


# Modules whose public objects need a docstring with an example (not twins).
OTHER_PUBLIC_MODULES = (
    "faceloss",
    "faceloss.detect",
    "faceloss.weights",
    "faceloss.weights.convert",
    "faceloss.weights.dlib",
    "faceloss.weights.facenet",
)

ALL_PUBLIC = [(m, n, o) for m in BACKENDS for n, o in _public(m)]
OTHER_PUBLIC = [(m, n, o) for m in OTHER_PUBLIC_MODULES for n, o in _public(m)]


@pytest.mark.parametrize(
    ("module", "name", "obj"),
    ALL_PUBLIC + OTHER_PUBLIC,
    ids=lambda x: getattr(x, "__name__", str(x)),
)
def test_public_object_has_docstring_with_example(module, name, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{module}.{name} has no docstring"
    assert ">>>" in doc, f"{module}.{name}'s docstring has no example"


@pytest.mark.parametrize(
    ("module", "name", "obj"), ALL_PUBLIC, ids=lambda x: getattr(x, "__name__", str(x))
)
def test_documented_arguments_equal_the_signature(module, name, obj):
    # Dataclasses document their fields under "Attributes:".
    section = "Attributes" if dataclasses.is_dataclass(obj) else "Args"
    documented = _documented_args(inspect.getdoc(obj) or "", section)
    params = [p for p in _parameters(obj) if p not in {"args", "kwargs"}]
    assert documented == params, f"{module}.{name}: Args {documented} vs signature {params}"


# What a twin is in its framework; the rest of the summary line must match word for word.
FRAMEWORK_WORDS = re.compile(
    r"\b(an? )?(Keras (layer|loss|model|metric)|module|nn\.Module|loss object)\b"
)


def _summary(obj) -> str:
    return FRAMEWORK_WORDS.sub("<object>", (inspect.getdoc(obj) or "").splitlines()[0])


def _twins():
    exports = {m: dict(_public(m)) for m in BACKENDS}
    names = sorted(set(exports["faceloss.torch"]) & set(exports["faceloss.tf"]))
    return [(n, exports["faceloss.torch"][n], exports["faceloss.tf"][n]) for n in names]


@pytest.mark.parametrize(
    ("name", "torch_obj", "tf_obj"), _twins(), ids=lambda x: getattr(x, "__name__", str(x))
)
def test_torch_and_tf_twins_share_summary_and_parameters(name, torch_obj, tf_obj):
    assert _summary(torch_obj) == _summary(tf_obj), name
    normalise = lambda ps: [RENAMES.get(p, p) for p in ps if p not in BACKEND_ONLY]  # noqa: E731
    assert normalise(_parameters(torch_obj)) == normalise(_parameters(tf_obj)), name
