"""Make notebooks canonical, so that re-running one without changes leaves no diff in git.

Only what changes between runs (or between machines) is normalised; cell sources and
deterministic outputs are left exactly as they are:

- the kernelspec and ``language_info`` become the generic Python 3 ones (no Python version);
- widget state (``metadata.widgets``) and widget outputs go: tqdm's notebook bars would otherwise
  store fresh model ids on every run, their text fallback ("0%| |") misleads a reader, and no widget
  renders on GitHub or nbviewer without its state anyway;
- cell metadata loses timestamps (``execution``) and view state (``collapsed``, ``scrolled``);
- execution counts become 1..n in order over the code cells that ran;
- consecutive stream outputs are merged and carriage returns resolved the way a terminal
  shows them, since how a kernel chunks its output depends on timing;
- every cell gets a stable nbformat 4.5 id: existing ids are kept, missing or duplicate
  ones are derived from the cell's index;
- every cell gets its slide type for jupyterlab-rise, derived from its content (tools/slides.py).

Usage::

    python tools/normalize_notebooks.py            # normalise every notebook in notebooks/
    python tools/normalize_notebooks.py 01_intro   # just the ones named
    python tools/normalize_notebooks.py --check    # exit 1, listing those not normalised
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4.rwbase import rejoin_lines, strip_transient
from slides import apply as apply_slide_types

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
# everything Jupyter stores about the language except the interpreter's version
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
# notebook metadata that records a machine or an editor session rather than the notebook
VOLATILE_NOTEBOOK_METADATA = ("widgets", "vscode", "interpreter", "colab", "accelerator", "gpuClass")
# cell metadata that records when or where a cell ran, or how it was last viewed
VOLATILE_CELL_METADATA = (
    "execution",
    "collapsed",
    "scrolled",
    "ExecuteTime",
    "executionInfo",
    "outputId",
    "colab",
    "id",
)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class NotebookNotFoundError(ValueError):
    """Raised when a notebook named on the command line does not exist."""


def notebook_paths(names: Sequence[str] | None = None, folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks to work on: those named (a path, a file name, or a stem), else all in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotebookNotFoundError(f"no notebooks folder at {folder}")
    if not names:
        return sorted(folder.glob("*.ipynb"))
    paths = []
    for name in names:
        candidates = [Path(name), folder / name, folder / f"{name}.ipynb"]
        found = next((p for p in candidates if p.is_file() and p.suffix == ".ipynb"), None)
        if found is None:
            known = ", ".join(p.stem for p in sorted(folder.glob("*.ipynb"))) or "none"
            raise NotebookNotFoundError(f"no notebook {name!r} (notebooks in {folder}: {known})")
        paths.append(found.resolve())
    return paths


def read(path: Path) -> NotebookNode:
    """Read a notebook without nbformat's repairs (which would invent random cell ids)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("nbformat") != 4:
        return nbformat.reads(json.dumps(data), as_version=4)
    return rejoin_lines(nbformat.from_dict(data))


def serialize(nb: NotebookNode) -> str:
    """The notebook as nbformat writes it, with a final newline."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _resolve_carriage_returns(text: str) -> str:
    """What a terminal shows: on each line, only the text after the last carriage return."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


def _normalize_outputs(outputs: Iterable[NotebookNode], execution_count: int | None) -> list[NotebookNode]:
    kept: list[NotebookNode] = []
    for output in outputs:
        if output.output_type == "stream":
            if isinstance(output.text, list):  # split into lines, as on disk
                output.text = "".join(output.text)
            if kept and kept[-1].output_type == "stream" and kept[-1].name == output.name:
                kept[-1].text = _resolve_carriage_returns(kept[-1].text + output.text)
                continue
            output.text = _resolve_carriage_returns(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            if WIDGET_MIME in output.data:
                continue  # a widget (a progress bar, an explorer): nothing stable or readable to keep
            if output.output_type == "execute_result":
                output.execution_count = execution_count
        kept.append(output)
    return kept


def _assign_ids(cells: list[NotebookNode]) -> None:
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _VALID_ID.match(cell_id) or cell_id in seen:
            cell_id, suffix = f"cell-{index}", 0
            while cell_id in seen:
                suffix += 1
                cell_id = f"cell-{index}-{suffix}"
        cell["id"] = cell_id
        seen.add(cell_id)


def normalize(nb: NotebookNode) -> NotebookNode:
    """Normalise ``nb`` in place (see the module docstring) and return it."""
    nb.nbformat, nb.nbformat_minor = 4, max(int(nb.get("nbformat_minor", 0)), 5)
    strip_transient(nb)
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata["kernelspec"] = nbformat.from_dict(KERNELSPEC)
    nb.metadata["language_info"] = nbformat.from_dict(LANGUAGE_INFO)

    count = 0
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if cell.execution_count is not None:
            count += 1
            cell.execution_count = count
        cell.outputs = _normalize_outputs(cell.outputs, cell.execution_count)
    apply_slide_types(nb)
    _assign_ids(nb.cells)
    nbformat.validate(nb)
    return nb


def normalize_file(path: Path) -> bool:
    """Normalise the notebook at ``path`` in place; True when the file changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    after = serialize(normalize(read(path)))
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def is_normalized(path: Path) -> bool:
    """Whether the file at ``path`` is already exactly what :func:`normalize_file` would write."""
    return serialize(normalize(read(path))) == Path(path).read_text(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if one is not normalised")
    args = parser.parse_args(argv)
    try:
        paths = notebook_paths(args.notebooks)
    except NotebookNotFoundError as error:
        parser.error(str(error))
    if args.check:
        stale = [path for path in paths if not is_normalized(path)]
        for path in stale:
            print(f"not normalised: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        if stale:
            print("fix with: python tools/normalize_notebooks.py")
        return 1 if stale else 0
    for path in paths:
        if normalize_file(path):
            print(f"normalised {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
