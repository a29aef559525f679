"""Tests of the notebook tooling in tools/ (and the benchmarks' results helper)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the tools are scripts, not a package
sys.path.insert(0, str(ROOT / "benchmarks"))

import new_notebook as template  # noqa: E402
import normalize_notebooks as norm  # noqa: E402
import run_times  # noqa: E402
import setup_cell  # noqa: E402
import slides  # noqa: E402
import student_copies  # noqa: E402
from _results import write_results  # noqa: E402

WIDGET = {"model_id": "abc123", "version_major": 2, "version_minor": 0}


def _write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def _ran_notebook() -> nbformat.NotebookNode:
    """A notebook as a Jupyter session leaves it: version-specific metadata, widgets, odd counts."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        "title": "kept",
    }
    first = new_code_cell("print('a')", execution_count=7)
    first.metadata = {"execution": {"iopub.execute_input": "2024-01-01T00:00:00Z"}, "scrolled": True, "tags": ["x"]}
    first.outputs = [
        new_output("stream", name="stdout", text="a"),
        new_output("stream", name="stdout", text="\n\r 50%|#   |\r100%|####|\n"),
        new_output("stream", name="stderr", text="warning\n"),
    ]
    never_ran = new_code_cell("x = 1")
    bars = new_code_cell("bar", execution_count=12)
    bars.outputs = [
        new_output("display_data", data={norm.WIDGET_MIME: WIDGET, "text/plain": "HBox(children=())"}),
        new_output("display_data", data={norm.WIDGET_MIME: WIDGET}),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=12),
    ]
    text = new_markdown_cell("# Title")
    text.metadata = {"collapsed": False}
    nb.cells = [text, first, never_ran, bars]
    return nb


# --- normalisation -------------------------------------------------------------------------------


def test_normalize_makes_metadata_canonical():
    nb = norm.normalize(_ran_notebook())
    assert nb.metadata.kernelspec == norm.KERNELSPEC
    assert nb.metadata.language_info == norm.LANGUAGE_INFO
    assert "version" not in nb.metadata.language_info
    assert "widgets" not in nb.metadata
    assert nb.metadata.title == "kept"
    text, first, _, _ = nb.cells
    # timestamps and view state go, tags stay; the slide types come from tools/slides.py
    assert first.metadata == {"tags": ["x"], "slideshow": {"slide_type": "skip"}}
    assert text.metadata == {"slideshow": {"slide_type": "slide"}}


def test_normalize_renumbers_execution_counts_of_cells_that_ran():
    nb = norm.normalize(_ran_notebook())
    counts = [cell.get("execution_count") for cell in nb.cells]
    assert counts == [None, 1, None, 2]
    assert nb.cells[3].outputs[-1].execution_count == 2


def test_normalize_drops_widget_outputs_and_keeps_the_rest():
    outputs = norm.normalize(_ran_notebook()).cells[3].outputs
    assert [o.output_type for o in outputs] == ["execute_result"]
    assert all(norm.WIDGET_MIME not in o.get("data", {}) for o in outputs)


def test_normalize_merges_streams_and_resolves_carriage_returns():
    outputs = norm.normalize(_ran_notebook()).cells[1].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "a\n100%|####|\n"), ("stderr", "warning\n")]


def test_normalize_keeps_ids_and_derives_missing_or_duplicate_ones():
    nb = _ran_notebook()
    nb.cells[0]["id"] = "intro"
    nb.cells[1]["id"] = "intro"  # duplicated, e.g. by copy-paste
    del nb.cells[2]["id"]
    nb.cells[3]["id"] = "not a valid id!"
    ids = [cell.id for cell in norm.normalize(nb).cells]
    assert ids == ["intro", "cell-1", "cell-2", "cell-3"]
    nbformat.validate(nb)


def test_normalize_file_is_idempotent_and_deterministic(tmp_path):
    nb = _ran_notebook()
    for cell in nb.cells:
        del cell["id"]  # nbformat's own reader would invent random ones here
    path = _write(nb, tmp_path / "a.ipynb")
    other = _write(nb, tmp_path / "b.ipynb")
    assert not norm.is_normalized(path)
    assert norm.normalize_file(path) is True
    assert norm.normalize_file(path) is False
    assert norm.is_normalized(path)
    norm.normalize_file(other)
    assert other.read_text() == path.read_text()
    nbformat.validate(nbformat.read(path, as_version=4))


def test_check_flag_lists_notebooks_not_normalised(tmp_path, capsys):
    path = _write(_ran_notebook(), tmp_path / "stale.ipynb")
    assert norm.main(["--check", str(path)]) == 1
    assert "stale.ipynb" in capsys.readouterr().out
    assert norm.main([str(path)]) == 0
    assert norm.main(["--check", str(path)]) == 0


def test_notebook_paths_reports_an_unknown_name(tmp_path):
    (tmp_path / "01_intro.ipynb").write_text("{}")
    assert norm.notebook_paths(["01_intro"], folder=tmp_path) == [(tmp_path / "01_intro.ipynb").resolve()]
    with pytest.raises(norm.NotebookNotFoundError, match="01_intro"):
        norm.notebook_paths(["02_missing"], folder=tmp_path)


# --- slides --------------------------------------------------------------------------------------


def _lecture_notebook() -> nbformat.NotebookNode:
    """One cell for each slide rule, in the order a notebook of the course has them."""
    long_code = "\n".join(f"x{i} = {i}" for i in range(slides.LONG_CODE_LINES + 1))
    return new_notebook(cells=[
        new_markdown_cell("# 07 · Title\n\n**Run time:** soon."),             # slide: the first cell
        new_code_cell("# the setup cell"),                                      # skip: the first code cell
        new_markdown_cell("## 1. An idea"),                                     # slide: a ## heading
        new_code_cell("short = 1"),                                             # -: continues the slide
        new_markdown_cell("What the output shows."),                            # subslide: after a code cell
        new_markdown_cell("More prose on it."),                                 # -
        new_markdown_cell("### A smaller heading"),                             # -: only ## starts a slide
        new_code_cell(long_code),                                               # subslide: a long code cell
        new_code_cell("again = 2"),                                             # subslide: code after code
        new_markdown_cell("## Exercises\n\n**1.** Do it."),                    # slide
        new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"),   # notes: a solution
        new_markdown_cell("<!-- BEGIN SOLUTION -->\n42\n<!-- END SOLUTION -->"),  # notes, though after code
        new_markdown_cell("## Setup\n\n### BEGIN SOLUTION"),                   # notes: solutions come first
    ])


def test_slide_types_follow_the_rules():
    assert slides.slide_types(_lecture_notebook()) == [
        "slide", "skip", "slide", "-", "subslide", "-", "-", "subslide", "subslide", "slide", "notes", "notes", "notes",
    ]
    assert slides.slide_types(new_notebook()) == []


def test_apply_sets_every_cell_keeps_other_rise_settings_and_is_idempotent():
    nb = _lecture_notebook()
    nb.metadata["rise"] = {"theme": "simple", "scroll": False}
    slides.apply(nb)
    assert [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells] == slides.slide_types(nb)
    assert nb.metadata["rise"] == {"theme": "simple", "scroll": True}
    once = norm.serialize(nb)
    assert norm.serialize(slides.apply(nb)) == once
    assert slides.problems(nb, "07.ipynb") == []
    nbformat.validate(nb)


def test_slide_problems_name_the_cell_without_or_against_the_rules():
    nb = slides.apply(_lecture_notebook())
    del nb.cells[3].metadata["slideshow"]  # a cell added in Jupyter, never normalised
    nb.cells[2].metadata["slideshow"]["slide_type"] = "fragment"
    nb.metadata["rise"]["scroll"] = False
    assert slides.problems(nb, "07.ipynb") == [
        "07.ipynb, cell 3 ('## 1. An idea'): slide type 'fragment', rules say 'slide'",
        "07.ipynb, cell 4 ('short = 1'): slide type None, rules say '-'",
        "07.ipynb: notebook metadata 'rise' is {'scroll': False}, without {'scroll': True}",
    ]


def test_normalize_gives_a_new_cell_its_slide_type():
    nb = norm.normalize(_lecture_notebook())
    nb.cells.insert(3, new_code_cell("added = 1"))  # shifts the rules: the next cell now follows code
    assert len(slides.problems(nb, "07.ipynb")) == 2
    assert slides.problems(norm.normalize(nb), "07.ipynb") == []


# --- run times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "shown"), [(0.2, "1 s"), (9.4, "9 s"), (59.4, "59 s"), (59.6, "1.0 min"),
                                                 (168, "2.8 min"), (599, "10.0 min"), (883, "15 min")])
def test_format_seconds(seconds, shown):
    assert run_times.format_seconds(seconds) == shown


_README = """\
# Course

| notebook | topic | quick | full |
|---|---|---|---|
| [01 one](notebooks/01_one.ipynb) [![Colab](badge.svg)](https://x/notebooks/01_one.ipynb) | first | old | old |
| [02 two](notebooks/02_two.ipynb) | second | 1 min | 2 min |

BEGIN
stale text
END

## Next section
"""


def _timed_course(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    """Two notebooks, a README with their table and a results file: one quick time measured, one full earlier."""
    readme = tmp_path / "README.md"
    readme.write_text(_README.replace("BEGIN", run_times.BEGIN_MARKER).replace("END", run_times.END_MARKER))
    paths = []
    for name in ("01_one", "02_two"):
        header = f"# {name}\n\n**Learning goals.** ...\n\n**Run time:** about a minute,\nmaybe two.\n\nA note."
        paths.append(_write(new_notebook(cells=[new_markdown_cell(header), new_code_cell("1")]),
                            tmp_path / f"{name}.ipynb"))
    results = tmp_path / "notebook_times.json"
    entry = run_times.measured_entry(42.04, "2026-12-02T15:00:00+00:00", 1, 1.5, 1.75, stored_outputs=False)
    run_times.record("01_one", "quick", entry, results)
    run_times.record("01_one", "full", {"earlier": "3–5 min", "how": "before this command"}, results)
    return paths, readme, results


def test_record_keeps_earlier_entries_and_checks_the_mode(tmp_path):
    _, _, results = _timed_course(tmp_path)
    record = json.loads(results.read_text())
    assert record["quick"]["01_one"]["seconds"] == 42.0 and record["quick"]["01_one"]["cache"] == "empty"
    assert record["quick"]["01_one"]["load_average"] == {"start": 1.5, "end": 1.75}
    assert record["full"]["01_one"]["earlier"] == "3–5 min" and "about" in record
    with pytest.raises(ValueError, match="quick, full"):
        run_times.record("01_one", "slow", {}, results)


def test_write_all_puts_the_results_into_the_readme_and_the_headers(tmp_path):
    paths, readme, results = _timed_course(tmp_path)
    assert len(run_times.problems(paths, readme, results)) == 7  # 4 table cells, the paragraph, 2 headers
    run_times.write_all(paths, readme, results)
    assert run_times.problems(paths, readme, results) == []
    text = readme.read_text()
    assert "| first | 42 s | 3–5 min (earlier) |" in text
    assert "| second | not measured | not measured |" in text
    assert "stale text" not in text and text.endswith("## Next section\n")
    words = " ".join(text.split())  # the paragraph is wrapped
    assert "Quick mode: measured on 2026-12-02 on a " in words and "with 1 torch thread" in words
    assert f"load average 1.5 on its {os.cpu_count()} cores as each notebook started" in words
    assert "Full mode: before this command." in words
    header = norm.read(paths[0]).cells[0].source
    assert header.startswith("# 01_one\n\n**Learning goals.** ...\n\n**Run time:** full mode 3–5 min (an earlier")
    assert "quick mode (`PTLIB_MODE=quick`) 42 s." in " ".join(header.split())
    assert header.endswith("measured.\n\nA note.")
    assert norm.is_normalized(paths[0])
    run_times.write_all(paths, readme, results)  # idempotent
    assert readme.read_text() == text and norm.read(paths[0]).cells[0].source == header


def test_times_that_disagree_with_the_results_file_are_reported(tmp_path):
    paths, readme, results = _timed_course(tmp_path)
    run_times.write_all(paths, readme, results)
    readme.write_text(readme.read_text().replace("| 42 s |", "| 40 s |"))
    nb = norm.read(paths[1])
    nb.cells[0].source = nb.cells[0].source.replace("full mode not measured", "full mode 2 min")
    _write(nb, paths[1])
    assert run_times.problems(paths, readme, results) == [
        "README: 01_one's quick column says '40 s', the results file '42 s'",
        f"02_two: its header says {nb.cells[0].source.split(chr(10) * 2)[2]!r}, "
        f"the results file {run_times.header_paragraph('02_two', run_times.load(results))!r}",
    ]


def test_write_all_refuses_a_readme_or_header_it_cannot_place_times_in(tmp_path):
    paths, readme, results = _timed_course(tmp_path)
    readme.write_text(_README)  # no markers
    with pytest.raises(ValueError, match="markers"):
        run_times.write_all(paths, readme, results)
    readme.write_text(_README.replace("[02 two](notebooks/02_two.ipynb)", "02 two"))
    with pytest.raises(ValueError, match="no row for 02_two"):
        run_times.write_all(paths, readme, results)
    nb = norm.read(paths[0])
    nb.cells[0].source = "# 01_one"
    _write(nb, paths[0])
    assert "01_one: its first cell has no paragraph starting with '**Run time:**'" in run_times.problems(
        paths, readme, results)


# --- student copies ------------------------------------------------------------------------------

SOLVED_CODE = """\
def f(x):
    ### BEGIN SOLUTION
    y = x * 2
    return y
    ### END SOLUTION


f(1)"""


def _exercise_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    solved = new_code_cell(SOLVED_CODE, execution_count=3)
    solved.outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=3)]
    kept = new_code_cell("z = 5\nz", execution_count=4)
    kept.outputs = [new_output("execute_result", data={"text/plain": "5"}, execution_count=4)]
    nb.cells = [
        new_markdown_cell("Question?\n\n<!-- BEGIN SOLUTION -->\nThe answer is 42.\n<!-- END SOLUTION -->\n\nMore."),
        new_markdown_cell("<!--BEGIN SOLUTION-->\nOnly an answer.\n<!--END SOLUTION-->"),
        solved,
        kept,
    ]
    return nb


def test_strip_code_solution_keeps_indentation():
    assert student_copies.strip_code_solution(SOLVED_CODE) == (
        'def f(x):\n    raise NotImplementedError("your answer here")\n\n\nf(1)'
    )


def test_student_copy_removes_solutions_and_their_outputs():
    nb = student_copies.student_copy(_exercise_notebook())
    nbformat.validate(nb)
    question, answer_only, solved, kept = nb.cells
    assert question.source == "Question?\n\nMore."
    assert answer_only.source == student_copies.MARKDOWN_PLACEHOLDER
    assert "x * 2" not in solved.source and student_copies.CODE_PLACEHOLDER in solved.source
    assert solved.outputs == [] and solved.execution_count is None
    assert kept.outputs[0].data == {"text/plain": "5"} and kept.execution_count == 1
    assert "SOLUTION" not in json.dumps(nb)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (new_code_cell("### BEGIN SOLUTION\nx = 1"), "no matching"),
        (new_code_cell("x = 1\n### END SOLUTION"), "never opened"),
        (new_code_cell("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"), "inside another"),
        (new_markdown_cell("<!-- BEGIN SOLUTION -->\nanswer"), "no matching"),
        (new_markdown_cell("answer\n<!-- END SOLUTION -->"), "never opened"),
    ],
)
def test_unbalanced_markers_name_the_notebook_and_cell(cell, problem):
    nb = new_notebook(cells=[new_markdown_cell("intro"), cell])
    with pytest.raises(student_copies.SolutionMarkerError, match=problem) as caught:
        student_copies.student_copy(nb, "07_exercises.ipynb")
    assert "07_exercises.ipynb, cell 2" in str(caught.value)


def test_write_student_copies_writes_nothing_when_one_notebook_is_broken(tmp_path):
    good = _write(_exercise_notebook(), tmp_path / "good.ipynb")
    bad = _write(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION")]), tmp_path / "bad.ipynb")
    out = tmp_path / "student"
    with pytest.raises(student_copies.SolutionMarkerError, match="bad.ipynb"):
        student_copies.write_student_copies([good, bad], out)
    assert not out.exists()
    [written] = student_copies.write_student_copies([good], out)
    assert written == out / "good.ipynb"
    assert "The answer is 42" not in written.read_text()
    nbformat.validate(nbformat.read(written, as_version=4))


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("x = 1\n### BEGIN SOLUTION\ny = 2", "the '### BEGIN SOLUTION' of line 2 has no matching '### END SOLUTION'"),
        ("y = 2\n### END SOLUTION", "line 2 closes a solution that was never opened ('### BEGIN SOLUTION' missing"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
         "line 2 opens a solution inside another one (the '### BEGIN SOLUTION' of line 1 has no '### END SOLUTION'"),
        ("## BEGIN SOLUTION\ny = 2\n## END SOLUTION", "line 1 looks like a solution marker but is not one"),
        ("### BEGIN SOLUTION\ny = 2  ### END SOLUTION", "line 2 looks like a solution marker"),
    ],
    ids=["unclosed", "never-opened", "nested", "typo-would-leak", "marker-after-code"],
)
def test_student_copies_command_fails_naming_the_file_the_cell_and_the_marker(tmp_path, capsys, source, says):
    nb = new_notebook(cells=[new_markdown_cell("# Exercises"), new_code_cell(SOLVED_CODE), new_code_cell(source)])
    path = tmp_path / "07_broken.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "student"
    assert student_copies.main([str(path), "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: 07_broken.ipynb, cell 3")
    assert says in error
    assert not out.exists()


def test_student_copies_script_exits_non_zero_on_unbalanced_markers(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("### BEGIN SOLUTION\nanswer = 42")])
    path = tmp_path / "08_unbalanced.ipynb"
    nbformat.write(nb, path)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "student_copies.py"), str(path), "--out",
                             str(tmp_path / "student")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "08_unbalanced.ipynb, cell 2" in result.stderr
    assert "has no matching '### END SOLUTION'" in result.stderr
    assert not (tmp_path / "student").exists()


# --- the setup cell ------------------------------------------------------------------------------


def _as_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _run_setup_cell(tmp_path: Path, prelude: str = "") -> subprocess.CompletedProcess:
    """Run the setup cell (its magics turned into Python) in a fresh interpreter, in ``tmp_path``.

    ``-S`` leaves site-packages out, so an installed ptlib is invisible: only one in ``tmp_path`` counts.
    """
    code = prelude + _as_python(setup_cell.SETUP_CELL_SOURCE)
    return subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _fake_ptlib(tmp_path: Path, runtime_source: str) -> None:
    (tmp_path / "ptlib").mkdir()
    (tmp_path / "ptlib" / "__init__.py").write_text("")
    (tmp_path / "ptlib" / "runtime.py").write_text(runtime_source)


def test_setup_cell_is_short_and_names_the_repository_once():
    source = setup_cell.SETUP_CELL_SOURCE
    assert len(source.splitlines()) < 15
    assert source.count(setup_cell.REPO_URL) == 1
    compile(_as_python(source), "setup cell", "exec")


def test_setup_cell_without_ptlib_says_what_to_do(tmp_path):
    result = _run_setup_cell(tmp_path)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError: ptlib is not installed in this kernel: run `bash course.sh lab`")
    assert "ModuleNotFoundError" not in result.stderr  # `from None`: one short traceback


def test_setup_cell_passes_on_other_missing_modules(tmp_path):
    _fake_ptlib(tmp_path, "import a_module_nobody_has\n")
    result = _run_setup_cell(tmp_path)
    assert "No module named 'a_module_nobody_has'" in result.stderr
    assert "ptlib is not installed" not in result.stderr


def test_setup_cell_installs_from_the_repository_on_colab_only(tmp_path):
    # get_ipython() stands in for IPython: its %pip prints the call and "installs" a fake ptlib
    fake_ipython = (
        "import importlib, pathlib, sys, types\n"
        "def pip(*call):\n"
        "    print('MAGIC', call)\n"
        "    pathlib.Path('ptlib').mkdir()\n"
        "    pathlib.Path('ptlib/__init__.py').write_text('')\n"
        "    pathlib.Path('ptlib/runtime.py').write_text('def describe():\\n    return \"described\"')\n"
        "    importlib.invalidate_caches()\n"
        "get_ipython = lambda: types.SimpleNamespace(run_line_magic=pip)\n"
    )
    on_colab = fake_ipython + "sys.modules['google.colab'] = types.ModuleType('google.colab')\n"
    local = _run_setup_cell(tmp_path, fake_ipython)
    assert "MAGIC" not in local.stdout and "ptlib is not installed" in local.stderr
    first = _run_setup_cell(tmp_path, on_colab)
    magic = f"MAGIC ('pip', 'install -q \"ptlib @ git+{setup_cell.REPO_URL}\"')"
    assert first.stdout.splitlines() == [magic, "described"], first.stderr
    again = _run_setup_cell(tmp_path, on_colab)  # a rerun finds ptlib installed
    assert again.stdout.splitlines() == ["described"], again.stderr


def test_setup_cell_check_and_write(tmp_path, capsys):
    old = setup_cell.SETUP_CELL_SOURCE.replace(setup_cell.REPO_URL, "https://example.org/old")
    with_old = _write(new_notebook(cells=[new_markdown_cell("# T"), new_code_cell(old)]), tmp_path / "old.ipynb")
    without = _write(new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("x = 1")]), tmp_path / "no.ipynb")
    assert setup_cell.main(["--check", str(with_old), str(without)]) == 1
    assert "old.ipynb" in capsys.readouterr().out
    assert setup_cell.main(["--write", str(with_old), str(without)]) == 0
    assert setup_cell.main(["--check", str(with_old), str(without)]) == 0
    assert len(norm.read(with_old).cells) == 2  # the old cell was replaced ...
    assert [c.source for c in norm.read(without).cells][1:] == [setup_cell.SETUP_CELL_SOURCE, "x = 1"]  # ... here added


# --- the notebook template -----------------------------------------------------------------------


def test_new_notebook_follows_the_template(tmp_path):
    path = template.write_skeleton("03_fine_tuning", "Fine-tuning", folder=tmp_path)
    assert path == tmp_path / "03_fine_tuning.ipynb"
    nb = norm.read(path)
    assert norm.is_normalized(path) and setup_cell.has_setup_cell(nb)
    assert nb.cells[0].source.startswith("# Fine-tuning\n\n**Learning goals.**")
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"][1:]
    assert headings[0] == "## Setup" and headings[-2:] == ["## What we measured", "## Exercises"]
    student_copies.student_copy(nb, path.name)  # its solution markers pair up
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"), str(path)],
                          capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout
    with pytest.raises(template.NotebookNameError, match="exists already"):
        template.write_skeleton("03_fine_tuning", "Again", folder=tmp_path)
    with pytest.raises(template.NotebookNameError, match="not a notebook name"):
        template.write_skeleton("../escape", "Bad", folder=tmp_path)


# --- running notebooks ---------------------------------------------------------------------------


def test_execute_runs_in_the_given_mode_and_folder(tmp_path, monkeypatch):
    import execute_notebooks

    monkeypatch.setenv("PTLIB_MODE", "full")
    nb = new_notebook(cells=[
        new_code_cell("import os\nprint(os.environ['PTLIB_MODE'])\nprint(os.getcwd())"),
        new_markdown_cell("text"),
        new_code_cell("6 * 7"),
    ])
    ran = execute_notebooks.execute(nb, mode="quick", cwd=tmp_path, timeout=60)
    assert ran.cells[0].outputs[0].text == f"quick\n{tmp_path}\n"
    assert ran.cells[2].outputs[0].data["text/plain"] == "42"
    assert [c.get("execution_count") for c in ran.cells] == [1, None, 2]
    assert os.environ["PTLIB_MODE"] == "full"  # restored
    assert norm.serialize(norm.normalize(ran)) == norm.serialize(ran)


def test_timed_execute_runs_with_an_empty_cache_that_goes_afterwards(tmp_path):
    import execute_notebooks

    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell(
        "import os\ncache = os.environ['PTLIB_CACHE']\nprint(cache, os.listdir(cache), os.environ['PTLIB_MODE'])")])
    path = _write(nb, tmp_path / "t.ipynb")
    entry = execute_notebooks.timed_execute(path, "quick", timeout=60, store=True)
    cache, listing, mode = norm.read(path).cells[1].outputs[0].text.split()
    assert (listing, mode) == ("[]", "quick") and not Path(cache).exists()
    assert cache != os.environ.get("PTLIB_CACHE")
    assert 0 < entry["seconds"] < 120 and entry["cache"] == "empty" and entry["stored_outputs"] is True
    assert entry["threads"] >= 1 and entry["machine"]["cores"] == os.cpu_count()
    before = path.read_text()
    assert execute_notebooks.timed_execute(path, "quick", timeout=60, store=False)["stored_outputs"] is False
    assert path.read_text() == before


# --- the notebooks of the course -----------------------------------------------------------------


def test_tools_find_the_notebooks_folder():
    assert norm.NOTEBOOKS_DIR == ROOT / "notebooks" and norm.NOTEBOOKS_DIR.is_dir()
    assert norm.notebook_paths() == sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_normalised_starts_with_the_setup_cell_and_has_paired_markers():
    problems = []
    for path in norm.notebook_paths():
        if not norm.is_normalized(path):
            problems.append(f"{path.name}: not normalised (run python tools/normalize_notebooks.py)")
        if not setup_cell.has_setup_cell(norm.read(path)):
            problems.append(f"{path.name}: first code cell is not the setup cell (python tools/setup_cell.py --write)")
        try:
            student_copies.student_copy(norm.read(path), path.name)
        except student_copies.SolutionMarkerError as error:
            problems.append(str(error))
    assert problems == []


def test_every_cell_of_every_notebook_has_the_slide_type_of_the_rules():
    problems = [problem for path in norm.notebook_paths() for problem in slides.problems(norm.read(path), path.name)]
    assert problems == [], "run python tools/normalize_notebooks.py"


def test_readme_and_notebook_headers_give_the_run_times_of_the_results_file():
    results = run_times.load()
    assert set(results["quick"]) | set(results["full"]) <= {path.stem for path in norm.notebook_paths()}
    assert run_times.problems() == [], "run python tools/run_times.py (or measure: bash course.sh execute)"


# --- benchmark results ---------------------------------------------------------------------------


def test_write_results_prints_and_records_figures(tmp_path, capsys):
    path = write_results("demo", {"total_s": 12.345, "tests": 3}, results_dir=tmp_path)
    record = json.loads(path.read_text())
    assert record["figures"] == {"total_s": 12.345, "tests": 3}
    assert record["machine"]["cores"] == os.cpu_count() and "date" in record
    assert "total_s  12.35" in capsys.readouterr().out
    with pytest.raises(ValueError, match="plain file stem"):
        write_results("../elsewhere", {}, results_dir=tmp_path)


def test_every_planted_bug_of_the_mutation_benchmark_still_applies_to_the_code():
    import mutation

    # a mutant whose snippet no longer occurs exactly once would test nothing: the code moved on without it
    mutation.check_mutants(mutation.MUTANTS, ROOT / "ptlib", ROOT / "tests")
    with pytest.raises(mutation.MutantError, match="occurs 0 times"):
        stale = dataclasses.replace(mutation.MUTANTS[0], old="a snippet that is nowhere in ptlib")
        mutation.check_mutants((stale,), ROOT / "ptlib", ROOT / "tests")
