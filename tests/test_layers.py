"""The package's shape: imports point down the layers only, modules stay small, notebooks import from few places."""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ptlib"
# Lower numbers are lower layers; a module may import from its own layer or below, never from above.
LAYERS = {
    "config": 0, "runtime": 0, "cache": 0, "arguments": 0,
    "data": 1,
    "models": 2,
    "train": 3,
    "pretrained": 4, "pretrained_bert": 4, "real_bert": 4,
    "analysis": 5,
    "experiments": 6, "exercises": 6,
}
MAX_LINES = 300


def layer_of(module: str) -> tuple[str, int]:
    """The layer of a dotted module name inside ptlib (``ptlib.train.loop`` -> train)."""
    top = module.split(".")[1] if module.startswith("ptlib.") else module
    if top not in LAYERS:
        raise AssertionError(f"{module} belongs to no layer: add ptlib.{top} to LAYERS in {Path(__file__).name}")
    return top, LAYERS[top]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[str]:
    """Every ptlib module that ``path`` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            found += [c for c in candidates if c == "ptlib" or c.startswith("ptlib.")]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("ptlib.")]
    return [f for f in found if f != "ptlib"]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path):
    own_name, own_layer = layer_of(module_name(path))
    for target in imported_modules(path):
        name, layer = layer_of(target)
        assert layer <= own_layer, f"{module_name(path)} ({own_name}) imports {target} ({name}), a higher layer"


def test_the_layer_check_sees_relative_imports():
    # A check that found no imports would pass for every module: make sure it resolves the usual forms.
    assert "ptlib.train.loop" in imported_modules(PACKAGE / "train" / "classifier.py")
    assert "ptlib.data.vocab" in imported_modules(PACKAGE / "models" / "bilm.py")
    assert "ptlib.config" in imported_modules(PACKAGE / "pretrained.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_reads_in_one_sitting(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept (at most {MAX_LINES})"


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_a_notebook_imports_from_at_most_three_ptlib_places(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    source = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    places = set(re.findall(r"^\s*from (ptlib(?:\.\w+)*) import (\w+)", source, re.M))
    modules = {f"{package}.{name}" if package == "ptlib" else package for package, name in places}
    assert 1 <= len(modules) <= 3, f"{notebook.name} imports from {sorted(modules)}"
