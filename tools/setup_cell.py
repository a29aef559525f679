"""The setup cell: the first code cell of every notebook, identical everywhere.

On Colab it installs ptlib from the course repository, once per runtime (a rerun of the cell
finds it installed and goes straight to the import). pip leaves Colab's own torch alone,
because ptlib asks only for ``torch>=2.1``, and installs just what is missing: Colab already
has datasets, tokenizers, tqdm, matplotlib and ipywidgets. Locally it only imports ptlib,
with one clear sentence when the kernel is not the course environment's.

Usage::

    python tools/setup_cell.py --check   # exit 1, listing notebooks whose first code cell differs
    python tools/setup_cell.py --write   # put the current cell into every notebook (e.g. after
                                         # REPO_URL changed); replaces an older setup cell
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import nbformat
from nbformat import NotebookNode
from normalize_notebooks import (
    ROOT,
    NotebookNotFoundError,
    normalize,
    notebook_paths,
    read,
    serialize,
)

# The one place that names the repository (used by the setup cell on Colab).
REPO_URL = "https://github.com/pt-course/pretraining-finetuning"

SETUP_CELL_SOURCE = f"""\
# On Colab, install the course helpers (ptlib); locally, `bash course.sh lab` has installed them.
import importlib.util
import sys

if "google.colab" in sys.modules and importlib.util.find_spec("ptlib") is None:
    %pip install -q "ptlib @ git+{REPO_URL}"
try:
    from ptlib import runtime
except ModuleNotFoundError as error:
    if error.name != "ptlib":
        raise
    raise ImportError("ptlib is not installed in this kernel: run `bash course.sh lab` from the repository "
                      "root, or `pip install -e .` there, and pick that environment's kernel") from None
print(runtime.describe())"""

# how to recognise an older version of the cell, so that --write replaces it instead of adding one
_SETUP_MARKERS = ('"google.colab" in sys.modules', "ptlib is not installed in this kernel")


def first_code_cell(nb: NotebookNode) -> NotebookNode | None:
    """The first code cell of ``nb``, or None when it has none."""
    return next((cell for cell in nb.cells if cell.cell_type == "code"), None)


def has_setup_cell(nb: NotebookNode) -> bool:
    """Whether the first code cell of ``nb`` is exactly :data:`SETUP_CELL_SOURCE`."""
    cell = first_code_cell(nb)
    return cell is not None and cell.source == SETUP_CELL_SOURCE


def install_setup_cell(nb: NotebookNode) -> NotebookNode:
    """Make the first code cell the setup cell: replace an older setup cell, else insert one."""
    cell = first_code_cell(nb)
    if cell is not None and any(marker in cell.source for marker in _SETUP_MARKERS):
        if cell.source != SETUP_CELL_SOURCE:
            cell.source, cell.outputs, cell.execution_count = SETUP_CELL_SOURCE, [], None
        return nb
    index = nb.cells.index(cell) if cell is not None else len(nb.cells)
    new = nbformat.v4.new_code_cell(SETUP_CELL_SOURCE)
    new["id"] = "setup"
    if any(existing.get("id") == "setup" for existing in nb.cells):
        del new["id"]  # normalize() derives one from the index
    nb.cells.insert(index, new)
    return nb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="exit 1 if a notebook lacks the setup cell")
    action.add_argument("--write", action="store_true", help="install the setup cell where it differs")
    args = parser.parse_args(argv)
    try:
        paths = notebook_paths(args.notebooks)
    except NotebookNotFoundError as error:
        parser.error(str(error))
    failures = 0
    for path in paths:
        nb = read(path)
        if has_setup_cell(nb):
            continue
        if args.check:
            failures += 1
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                  "the first code cell is not the setup cell")
        else:
            path.write_text(serialize(normalize(install_setup_cell(nb))), encoding="utf-8")
            print(f"setup cell written into {path.name}")
    if failures:
        print("fix with: python tools/setup_cell.py --write")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
