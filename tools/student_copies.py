"""Write student copies of the notebooks, with the exercise solutions taken out.

The markers follow nbgrader's convention:

- in a code cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` (both included)
  become ``raise NotImplementedError("your answer here")`` at the indentation of the first
  marker, and the cell's outputs are cleared (they would give the answer away);
- in a markdown cell, everything from ``<!-- BEGIN SOLUTION -->`` to ``<!-- END SOLUTION -->``
  is removed; a cell left empty gets a line for the student's answer.

Usage::

    python tools/student_copies.py                 # every notebook, into student/
    python tools/student_copies.py 03_fine_tuning  # just the ones named
    python tools/student_copies.py --out /tmp/s    # somewhere else
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from nbformat import NotebookNode
from normalize_notebooks import ROOT, NotebookNotFoundError, normalize, notebook_paths, read, serialize

STUDENT_DIR = ROOT / "student"
CODE_BEGIN, CODE_END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKDOWN_BEGIN, MARKDOWN_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
CODE_PLACEHOLDER = 'raise NotImplementedError("your answer here")'
MARKDOWN_PLACEHOLDER = "*Your answer here.*"

# lenient about spaces inside the comment: <!--BEGIN SOLUTION--> counts too
_MARKDOWN_MARKER = re.compile(r"<!--\s*(BEGIN|END) SOLUTION\s*-->")
# what a code marker with a typo looks like (## END SOLUTION, ### end solution, x = 1  ### END SOLUTION)
_CODE_MARKER_LIKE = re.compile(r"#+\s*(BEGIN|END)[\s_]*SOLUTION", re.IGNORECASE)


class SolutionMarkerError(ValueError):
    """Raised when solution markers in a cell do not pair up."""


def _where(notebook: str, index: int, cell: NotebookNode) -> str:
    cell_id = cell.get("id")
    return f"{notebook}, cell {index + 1}" + (f" (id {cell_id})" if cell_id else "")


def strip_code_solution(source: str, where: str = "cell") -> str:
    """``source`` with each solution block replaced by a ``raise NotImplementedError`` line.

    A marker must stand on a line of its own; a line that only looks like one (``## END SOLUTION``,
    ``x = 1  ### END SOLUTION``) is an error, since the solution would otherwise reach the students.
    """
    lines, begin_indent, begin_line = [], None, 0
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker.startswith(CODE_BEGIN):
            if begin_indent is not None:
                raise SolutionMarkerError(f"{where}: line {number} opens a solution inside another one (the "
                                          f"{CODE_BEGIN!r} of line {begin_line} has no {CODE_END!r} before it)")
            begin_indent, begin_line = line[: len(line) - len(line.lstrip())], number
        elif marker.startswith(CODE_END):
            if begin_indent is None:
                raise SolutionMarkerError(f"{where}: line {number} closes a solution that was never opened "
                                          f"({CODE_BEGIN!r} missing before it)")
            lines.append(begin_indent + CODE_PLACEHOLDER)
            begin_indent = None
        elif _CODE_MARKER_LIKE.search(line):
            raise SolutionMarkerError(f"{where}: line {number} looks like a solution marker but is not one "
                                      f"({marker!r}): write {CODE_BEGIN!r} or {CODE_END!r} on a line of its own")
        elif begin_indent is None:
            lines.append(line)
    if begin_indent is not None:
        raise SolutionMarkerError(f"{where}: the {CODE_BEGIN!r} of line {begin_line} has no matching {CODE_END!r}")
    return "\n".join(lines)


def strip_markdown_solution(source: str, where: str = "cell") -> str:
    """``source`` without the text between markdown solution markers (markers included)."""
    pieces, start, inside = [], 0, False
    for match in _MARKDOWN_MARKER.finditer(source):
        opening = match.group(1) == "BEGIN"
        if opening == inside:
            problem = "opens a solution inside another one" if opening else "closes a solution never opened"
            raise SolutionMarkerError(f"{where}: {match.group()!r} {problem}")
        if opening:
            pieces.append(source[start : match.start()])
        start, inside = match.end(), opening
    if inside:
        raise SolutionMarkerError(f"{where}: {MARKDOWN_BEGIN!r} has no matching {MARKDOWN_END!r}")
    pieces.append(source[start:])
    stripped = re.sub(r"\n{3,}", "\n\n", "".join(pieces)).strip("\n")
    return stripped if stripped.strip() else MARKDOWN_PLACEHOLDER


def student_copy(nb: NotebookNode, notebook: str = "notebook") -> NotebookNode:
    """Remove the solutions from ``nb`` in place and return it; ``notebook`` names it in errors."""
    for index, cell in enumerate(nb.cells):
        where = _where(notebook, index, cell)
        if cell.cell_type == "code" and _CODE_MARKER_LIKE.search(cell.source):
            cell.source = strip_code_solution(cell.source, where)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown" and _MARKDOWN_MARKER.search(cell.source):
            cell.source = strip_markdown_solution(cell.source, where)
    return normalize(nb)


def write_student_copies(paths: Sequence[Path], out_dir: Path = STUDENT_DIR) -> list[Path]:
    """Write a student copy of each notebook into ``out_dir``; returns the paths written.

    Every notebook is checked before anything is written, so a marker error leaves no partial set.
    """
    copies = [(Path(path).name, student_copy(read(path), Path(path).name)) for path in paths]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, nb in copies:
        target = out_dir / name
        target.write_text(serialize(nb), encoding="utf-8")
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help="where to write (default: student/)")
    args = parser.parse_args(argv)
    try:
        written = write_student_copies(notebook_paths(args.notebooks), args.out)
    except (NotebookNotFoundError, SolutionMarkerError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} student cop{'y' if len(written) == 1 else 'ies'} into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
