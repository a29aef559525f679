"""Notebook run times: one results file, copied into the README's table and each notebook's header.

``bash course.sh execute`` (tools/execute_notebooks.py) times each notebook it runs, from the start
of a fresh kernel to the end of its last cell, with an empty model cache, and records the time in
``benchmarks/results/notebook_times.json`` with the mode, date, machine, torch's thread count and the
load average. From that file, and only from it, this module writes

- the ``quick`` and ``full`` columns of the README's notebook table,
- the README's paragraph under that table (between the ``run-times`` markers): how each was measured,
- the ``**Run time:**`` paragraph of each notebook's first cell.

Usage::

    python tools/run_times.py           # rewrite the README and the headers from the results file
    python tools/run_times.py --check   # exit 1, listing what disagrees with the results file
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from normalize_notebooks import ROOT, normalize, notebook_paths, read, serialize

sys.path.insert(0, str(ROOT / "benchmarks"))
from _results import machine  # noqa: E402  (the benchmarks' description of the machine)

RESULTS_PATH = ROOT / "benchmarks" / "results" / "notebook_times.json"
README_PATH = ROOT / "README.md"
MODES = ("quick", "full")
BEGIN_MARKER = "<!-- run-times: written by tools/run_times.py from benchmarks/results/notebook_times.json -->"
END_MARKER = "<!-- /run-times -->"
ABOUT = (
    "Wall time of each notebook from the start of a fresh kernel to the end of its last cell, with an empty "
    "model cache (a temporary PTLIB_CACHE), recorded by tools/execute_notebooks.py (bash course.sh execute); "
    "load_average holds the 1-minute load average as the notebook started and as it ended. Entries with "
    "'earlier' instead of 'seconds' were not measured by that command (see their 'how')."
)
_HEADER_PARAGRAPH = re.compile(r"^\*\*Run time:\*\*.*?(?=\n\n|\Z)", re.DOTALL | re.MULTILINE)
_NOTEBOOK_LINK = re.compile(r"\(notebooks/([\w-]+)\.ipynb\)")

Entry = dict[str, Any]
Results = dict[str, Any]


def load(path: Path = RESULTS_PATH) -> Results:
    """The results file, or an empty record for each mode when there is none yet."""
    if not Path(path).is_file():
        return {"about": ABOUT, **{mode: {} for mode in MODES}}
    return json.loads(Path(path).read_text(encoding="utf-8"))


def measured_entry(seconds: float, started: str, threads: int, load_start: float, load_end: float,
                   stored_outputs: bool) -> Entry:
    """One measurement, with what it depends on."""
    return {
        "seconds": round(seconds, 1),
        "date": started,
        "cache": "empty",
        "threads": threads,
        "load_average": {"start": round(load_start, 2), "end": round(load_end, 2)},
        "stored_outputs": stored_outputs,
        "machine": machine(),
    }


def record(name: str, mode: str, entry: Entry, path: Path = RESULTS_PATH) -> None:
    """Put ``entry`` into the results file as notebook ``name``'s time in ``mode``, keeping the rest."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    results = load(path)
    results["about"] = ABOUT
    results[mode] = dict(sorted({**results[mode], name: entry}.items()))
    Path(path).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def format_seconds(seconds: float) -> str:
    """A duration as a reader wants it: ``9 s``, ``2.8 min``, ``14 min``."""
    if seconds < 59.5:
        return f"{max(1, round(seconds))} s"
    if seconds < 600:
        return f"{seconds / 60:.1f} min"
    return f"{round(seconds / 60)} min"


def table_text(entry: Entry | None) -> str:
    """What the README's table shows for one entry."""
    if entry is None:
        return "not measured"
    if "seconds" in entry:
        return format_seconds(entry["seconds"])
    return f"{entry['earlier']} (earlier)"


def _header_text(entry: Entry | None) -> str:
    if entry is not None and "seconds" not in entry:
        return f"{entry['earlier']} (an earlier measurement, not by `bash course.sh execute`)"
    return table_text(entry)


def header_paragraph(name: str, results: Results) -> str:
    """The ``**Run time:**`` paragraph of notebook ``name``'s first cell."""
    full, quick = (_header_text(results[mode].get(name)) for mode in ("full", "quick"))
    text = (
        f"**Run time:** full mode {full}; quick mode (`PTLIB_MODE=quick`) {quick}. Each from a fresh kernel with "
        "an empty model cache; the README says how and where they were measured."
    )
    return _fill(text)


def _fill(text: str) -> str:
    """``text`` wrapped at 110 characters, never inside a `code span`."""
    protected = re.sub(r"`[^`]*`", lambda code: code.group(0).replace(" ", "\0"), text)
    return textwrap.fill(protected, width=110, break_on_hyphens=False, break_long_words=False).replace("\0", " ")


def _how(entry: Entry) -> str:
    if "seconds" not in entry:
        return entry["how"]
    info = entry["machine"]
    threads = entry["threads"]
    stored = ", in the run that made the stored outputs" if entry["stored_outputs"] else ""
    return (f"measured on {entry['date'][:10]} on a {info['cores']}-core {info['cpu']} with {threads} torch "
            f"thread{'s' if threads != 1 else ''}{stored}")


def _mode_summary(mode: str, entries: dict[str, Entry]) -> str:
    if not entries:
        return f"{mode.capitalize()} mode: not measured yet."
    groups: dict[str, list[str]] = {}
    for name, entry in entries.items():
        groups.setdefault(_how(entry), []).append(name)
    parts = []
    for how, names in groups.items():
        loads = [entries[name]["load_average"]["start"] for name in names if "load_average" in entries[name]]
        if loads:
            low, high = f"{min(loads):.1f}", f"{max(loads):.1f}"
            cores = entries[names[0]]["machine"]["cores"]
            how += (f", the 1-minute load average {low if low == high else f'{low}–{high}'} on its {cores} cores "
                    "as each notebook started")
        if len(groups) > 1:
            how += f" (notebooks {', '.join(name[:2] for name in names)})"
        parts.append(how)
    return f"{mode.capitalize()} mode: {'; '.join(parts)}."


def readme_paragraph(results: Results) -> str:
    """The README's paragraph under the notebook table, markers included."""
    text = (
        "Each time is measured from the start of a fresh kernel to the end of the last cell, with an empty model "
        "cache, so the notebook trains every model it uses (one that finds a model cached by an earlier notebook "
        "runs faster). `bash course.sh execute` measures them (add `--times-only` to leave the stored outputs alone) "
        "and writes them into this table, each notebook's header and `benchmarks/results/notebook_times.json`. "
        + " ".join(_mode_summary(mode, results[mode]) for mode in MODES)
    )
    return f"{BEGIN_MARKER}\n{_fill(text)}\n{END_MARKER}"


def _table_rows(readme: str) -> dict[str, tuple[int, list[str]]]:
    """The notebook table's rows by notebook name: (line index, cells between the outer pipes)."""
    rows = {}
    for index, line in enumerate(readme.splitlines()):
        found = _NOTEBOOK_LINK.search(line)
        if line.startswith("| ") and found:
            rows[found.group(1)] = (index, line.strip().strip("|").split("|"))
    return rows


def readme_problems(readme: str, names: Sequence[str], results: Results) -> list[str]:
    """Where the README's table or its run-time paragraph disagree with ``results``."""
    problems = []
    rows = _table_rows(readme)
    for name in names:
        if name not in rows:
            problems.append(f"README: no row for {name} in the notebook table")
            continue
        cells = rows[name][1]
        for mode, shown in zip(MODES, cells[-2:]):
            expected = table_text(results[mode].get(name))
            if shown.strip() != expected:
                problems.append(f"README: {name}'s {mode} column says {shown.strip()!r}, the results file {expected!r}")
    if readme_paragraph(results) not in readme:
        problems.append("README: the run-time paragraph between the run-times markers is not the results file's")
    return problems


def header_problems(name: str, header: str, results: Results) -> list[str]:
    """Whether a notebook's first cell holds the run-time paragraph of ``results``."""
    found = _HEADER_PARAGRAPH.search(header)
    if found is None:
        return [f"{name}: its first cell has no paragraph starting with '**Run time:**'"]
    if found.group(0) != header_paragraph(name, results):
        return [f"{name}: its header says {found.group(0)!r}, the results file {header_paragraph(name, results)!r}"]
    return []


def write_readme(readme: str, names: Sequence[str], results: Results) -> str:
    """``readme`` with the table's time columns and the run-time paragraph taken from ``results``."""
    lines = readme.splitlines()
    rows = _table_rows(readme)
    for name in names:
        if name not in rows:
            raise ValueError(f"README: no row for {name} in the notebook table; add one, then run this again")
        index, cells = rows[name]
        cells[-2:] = [f" {table_text(results[mode].get(name))} " for mode in MODES]
        lines[index] = "|" + "|".join(cells) + "|"
    text = "\n".join(lines) + ("\n" if readme.endswith("\n") else "")
    start, end = text.find(BEGIN_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(f"README: the run-time paragraph needs the markers {BEGIN_MARKER} and {END_MARKER}")
    return text[:start] + readme_paragraph(results) + text[end + len(END_MARKER):]


def write_header(name: str, header: str, results: Results) -> str:
    """``header`` with its ``**Run time:**`` paragraph taken from ``results``."""
    if _HEADER_PARAGRAPH.search(header) is None:
        raise ValueError(f"{name}: its first cell has no paragraph starting with '**Run time:**'")
    return _HEADER_PARAGRAPH.sub(lambda _: header_paragraph(name, results), header, count=1)


def write_all(paths: Sequence[Path] | None = None, readme_path: Path = README_PATH,
              results_path: Path = RESULTS_PATH) -> None:
    """Write the results file's times into the README and into each notebook's header."""
    paths = notebook_paths() if paths is None else paths
    results = load(results_path)
    readme = readme_path.read_text(encoding="utf-8")
    updated = write_readme(readme, [path.stem for path in paths], results)
    if updated != readme:
        readme_path.write_text(updated, encoding="utf-8")
    for path in paths:
        nb = read(path)
        header = write_header(path.stem, nb.cells[0].source, results)
        if header != nb.cells[0].source:
            nb.cells[0].source = header
            path.write_text(serialize(normalize(nb)), encoding="utf-8")


def problems(paths: Sequence[Path] | None = None, readme_path: Path = README_PATH,
             results_path: Path = RESULTS_PATH) -> list[str]:
    """Everything in the README and the notebooks' headers that disagrees with the results file."""
    paths = notebook_paths() if paths is None else paths
    results = load(results_path)
    found = readme_problems(readme_path.read_text(encoding="utf-8"), [path.stem for path in paths], results)
    for path in paths:
        found += header_problems(path.stem, read(path).cells[0].source, results)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if something disagrees")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        print("\n".join(found) if found else "README and notebook headers agree with the results file")
        if found:
            print("fix with: python tools/run_times.py")
        return 1 if found else 0
    write_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
