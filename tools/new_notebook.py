"""Start a notebook from the course template.

The template: a title with learning goals, the setup cell, then the sections "Setup",
a first content section, "What we measured" and "Exercises" (with the solution markers that
tools/student_copies.py understands), each holding placeholder text to replace.

Usage::

    python tools/new_notebook.py 03_fine_tuning "Fine-tuning a pre-trained encoder"
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from normalize_notebooks import NOTEBOOKS_DIR, normalize, serialize
from setup_cell import SETUP_CELL_SOURCE

_VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

_GOALS = """\
# {title}

**Learning goals.** After this notebook you can:

- TODO: a first goal, phrased as something you can check (*explain*, *measure*, *compare* ...)
- TODO: a second goal
- TODO: a third goal

**Run time:** about TODO minutes on a laptop CPU in the default full mode; `PTLIB_MODE=quick` \
takes about a minute."""

_SECTIONS = [
    ("markdown", "## Setup\n\nTODO: what this notebook loads or builds, and which notebook before it made it."),
    ("code", "from ptlib import config\n\nsizes = config.sizes()\nsizes"),
    ("markdown", "## 1. TODO: the first idea\n\nTODO: the question this section answers, then the code answering it."),
    ("code", "# TODO: the experiment"),
    (
        "markdown",
        "## What we measured\n\nTODO: the figures this notebook produced, in a table, "
        "and what they show (and what they do not).",
    ),
    (
        "markdown",
        "## Exercises\n\n1. TODO: an exercise, with a hint.\n\n"
        "<!-- BEGIN SOLUTION -->\n*Solution.* TODO: the worked answer (left out of student copies).\n"
        "<!-- END SOLUTION -->",
    ),
    (
        "code",
        "# Exercise 1\n### BEGIN SOLUTION\n"
        "answer = None  # TODO: the solution; student copies get `raise NotImplementedError` instead\n"
        "### END SOLUTION",
    ),
]


class NotebookNameError(ValueError):
    """Raised for a notebook name that is not a plain file stem, or one that exists already."""


def skeleton(title: str) -> NotebookNode:
    """A new notebook in the course template, titled ``title``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(_GOALS.format(title=title.strip()))]
    nb.cells.append(nbformat.v4.new_code_cell(SETUP_CELL_SOURCE))
    for cell_type, source in _SECTIONS:
        new = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(source))
    for cell in nb.cells:
        del cell["id"]  # normalize() gives ids derived from the cell index, so a rerun is identical
    return normalize(nb)


def write_skeleton(name: str, title: str, folder: Path = NOTEBOOKS_DIR, force: bool = False) -> Path:
    """Write the template as ``folder/name.ipynb``; refuses to overwrite unless ``force``."""
    stem = name.removesuffix(".ipynb")
    if not _VALID_NAME.match(stem):
        raise NotebookNameError(
            f"{name!r} is not a notebook name: use letters, digits, '_' and '-', e.g. 03_fine_tuning"
        )
    if not title.strip():
        raise NotebookNameError("the title is empty")
    path = Path(folder) / f"{stem}.ipynb"
    if path.exists() and not force:
        raise NotebookNameError(f"{path} exists already (pass --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serialize(skeleton(title)), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="file stem, e.g. 03_fine_tuning")
    parser.add_argument("title", help="the notebook's title")
    parser.add_argument("--force", action="store_true", help="overwrite an existing notebook")
    args = parser.parse_args(argv)
    try:
        path = write_skeleton(args.name, args.title, force=args.force)
    except NotebookNameError as error:
        parser.error(str(error))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
