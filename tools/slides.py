"""Slide metadata, so that every notebook presents as a slideshow with jupyterlab-rise.

Each cell's ``metadata.slideshow.slide_type`` follows from its content and position, by the
first rule that matches:

1. the first cell (the title, learning goals and run time) is a ``slide``;
2. the first code cell (the setup cell, which installs ptlib on Colab) is skipped (``skip``);
3. a cell holding a solution (``### BEGIN SOLUTION`` or ``<!-- BEGIN SOLUTION -->``) goes to the
   speaker ``notes``: the presenter sees it, the class does not;
4. a ``## `` heading starts a new ``slide``;
5. a cell right after a code cell (prose on its output, or a second code cell), and a code cell of
   more than ``LONG_CODE_LINES`` lines, start a ``subslide`` below the current slide;
6. anything else continues the current slide (``-``).

Notebook metadata ``rise.scroll`` lets a slide taller than the screen scroll. :func:`apply` is
run by tools/normalize_notebooks.py, so a normalised notebook always carries these settings.
"""

from __future__ import annotations

from nbformat import NotebookNode

LONG_CODE_LINES = 15
RISE_SETTINGS = {"scroll": True}
_SOLUTION_MARKERS = ("### BEGIN SOLUTION", "<!-- BEGIN SOLUTION -->")


def slide_types(nb: NotebookNode) -> list[str]:
    """The slide type of each cell of ``nb`` under the rules of the module docstring."""
    first_code = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"), None)
    types = []
    for index, cell in enumerate(nb.cells):
        source = cell.source
        after_code = index > 0 and nb.cells[index - 1].cell_type == "code"
        if index == 0:
            types.append("slide")
        elif index == first_code:
            types.append("skip")
        elif any(marker in source for marker in _SOLUTION_MARKERS):
            types.append("notes")
        elif cell.cell_type == "markdown" and source.startswith("## "):
            types.append("slide")
        elif after_code or (cell.cell_type == "code" and len(source.splitlines()) > LONG_CODE_LINES):
            types.append("subslide")
        else:
            types.append("-")
    return types


def apply(nb: NotebookNode) -> NotebookNode:
    """Set every cell's slide type and the notebook's RISE settings in place; returns ``nb``."""
    for cell, slide_type in zip(nb.cells, slide_types(nb)):
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    nb.metadata["rise"] = {**nb.metadata.get("rise", {}), **RISE_SETTINGS}  # other RISE settings stay
    return nb


def problems(nb: NotebookNode, name: str) -> list[str]:
    """Each cell whose slide metadata is missing or breaks the rules, as ``name, cell N: ...``."""
    found = []
    for index, (cell, expected) in enumerate(zip(nb.cells, slide_types(nb)), start=1):
        actual = cell.metadata.get("slideshow", {}).get("slide_type")
        if actual != expected:
            first_line = cell.source.splitlines()[0] if cell.source else ""
            found.append(f"{name}, cell {index} ({first_line[:40]!r}): slide type {actual!r}, rules say {expected!r}")
    rise = nb.metadata.get("rise", {})
    if any(rise.get(key) != value for key, value in RISE_SETTINGS.items()):
        found.append(f"{name}: notebook metadata 'rise' is {rise!r}, without {RISE_SETTINGS!r}")
    return found
