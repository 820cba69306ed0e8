"""Every Python code block of the documentation runs, and every public object has an API page.

Each page's blocks run in order in one namespace per page (a later block may use what an
earlier block of the same page defined, never what another page defined), in a temporary
working directory. A block that needs a file faceloss cannot ship (the FaceNet checkpoint)
carries ``:class: requires-file`` and is only compiled. The blocks are found by parsing the
reStructuredText sources, including blocks nested in tabs; the figure scripts of
``docs/figures`` run in the docs build itself (``-W`` turns a failing figure into an error).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.rst"))
REQUIRES_FILE = "requires-file"
_DIRECTIVE = re.compile(
    r"^(?P<indent>\s*)\.\. (?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$"
)


@dataclass(frozen=True)
class Block:
    """One code block: its page, first line number (1-based), options and source."""

    page: Path
    line: int
    language: str
    options: dict[str, str]
    source: str

    @property
    def requires_file(self) -> bool:
        return REQUIRES_FILE in self.options.get("class", "").split()


def parse_blocks(page: Path) -> list[Block]:
    """The code blocks of one reStructuredText page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = _DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match["indent"])
        options: dict[str, str] = {}
        i += 1
        while i < len(lines) and re.match(r"^\s+:[\w-]+:", lines[i]):
            name, _, value = lines[i].strip()[1:].partition(":")
            options[name] = value.strip()
            i += 1
        body = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            body.append(lines[i])
            i += 1
        start = i - len(body) + 1
        while body and not body[0].strip():
            body.pop(0)
            start += 1
        source = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
        blocks.append(Block(page, start, match["lang"] or "python", options, source))
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def python_blocks(page: Path) -> list[Block]:
    return [block for block in parse_blocks(page) if block.language in {"python", "py"}]


PAGES_WITH_CODE = [page for page in PAGES if python_blocks(page)]


def test_the_guides_have_python_blocks_and_every_one_is_run_or_marked():
    blocks = [block for page in PAGES for block in python_blocks(page)]
    assert len(blocks) >= 35, f"only {len(blocks)} Python blocks found: is the parser broken?"
    for block in blocks:
        marked = set(block.options.get("class", "").split()) - {REQUIRES_FILE}
        assert not marked, f"{block.page.name}:{block.line}: unknown class {marked}"


def test_the_parser_finds_blocks_nested_in_tabs(tmp_path):
    page = tmp_path / "page.rst"
    page.write_text(
        ".. tab-set::\n\n   .. tab-item:: PyTorch\n\n      .. code-block:: python\n"
        "         :class: requires-file\n\n         x = 1\n\n         y = x\n\n"
        "   .. tab-item:: Keras\n\n      .. code-block:: python\n\n         z = 2\n\nText.\n"
    )
    blocks = parse_blocks(page)
    assert [block.source for block in blocks] == ["x = 1\n\ny = x\n", "z = 2\n"]
    assert [block.requires_file for block in blocks] == [True, False]
    assert [block.line for block in blocks] == [8, 16]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=[page.stem for page in PAGES_WITH_CODE])
def test_every_python_block_of_the_page_runs_in_order(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may save models
    namespace = {"__name__": f"docs_{page.stem}"}
    for block in python_blocks(page):
        code = compile(block.source, f"{page}:{block.line}", "exec")
        if block.requires_file:
            continue  # compiled above: syntax-checked, not run
        try:
            exec(code, namespace)
        except Exception as error:
            raise AssertionError(
                f"{page.name}, block at line {block.line} failed: {error!r}\n{block.source}"
            ) from error


def _api_reference_names() -> set[str]:
    """Full names listed in the API reference's autosummary tables (docs/api/*.rst)."""
    names = set()
    for page in sorted((DOCS / "api").glob("*.rst")):
        module = None
        in_table = False
        for line in page.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(".. currentmodule::"):
                module = stripped.split("::", 1)[1].strip()
            elif stripped.startswith(".. autosummary::"):
                in_table = True
            elif in_table and stripped and not stripped.startswith(":"):
                if stripped.startswith(".. ") or not line.startswith(" "):
                    in_table = stripped.startswith(".. autosummary::")
                    continue
                name = stripped.lstrip("~")
                full = f"{module}.{name}" if module and not name.startswith("faceloss") else name
                names.add(full)
    return names


def test_every_public_object_has_a_page_in_the_api_reference():
    import importlib

    listed = _api_reference_names()
    assert "faceloss.torch.EdgeBlock" in listed and "faceloss.spec" in listed  # parser works
    missing = []
    for package in (
        "faceloss",
        "faceloss.reference",
        "faceloss.torch",
        "faceloss.tf",
        "faceloss.detect",
        "faceloss.weights",
        "faceloss.weights.convert",
        "faceloss.weights.facenet",
        "faceloss.weights.dlib",
    ):
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if name in {"__version__", "functional", "spec", "FaceRegionResult"}:
                continue  # modules have module pages; FaceRegionResult is one shared class
            if package == "faceloss.weights.facenet" and name == "torch_to_keras":
                continue  # re-exported from faceloss.weights.convert
            if f"{package}.{name}" not in listed:
                missing.append(f"{package}.{name} ({type(obj).__name__})")
    assert not missing, f"public objects without an API page (add them to docs/api/): {missing}"
    assert "faceloss.reference.FaceRegionResult" in listed
