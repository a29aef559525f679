"""How long `bash course.sh test` takes, once the set-up is done.

Runs the set-up first (untimed; fast when done already), then the test command with a JUnit
report, from which the time of the unit tests (tests/) and of the notebooks (nbval, one test per
cell) are summed. The rest of the total is ruff, pytest's start-up and kernel start-ups.

Usage::

    .venv/bin/python benchmarks/test_suite_time.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402 - benchmarks/ is not a package

ROOT = Path(__file__).resolve().parent.parent


def junit_times(report: Path) -> dict[str, float | int]:
    """Seconds and counts of unit tests and notebook cells in a pytest JUnit XML report."""
    unit_s = nbval_s = 0.0
    unit = cells = 0
    notebooks: set[str] = set()
    for case in ET.parse(report).getroot().iter("testcase"):
        seconds = float(case.get("time", 0.0))
        file = case.get("file") or case.get("classname", "")
        if ".ipynb" in file or ".ipynb" in case.get("classname", ""):
            nbval_s += seconds
            cells += 1
            notebooks.add(case.get("classname", file))
        else:
            unit_s += seconds
            unit += 1
    return {"unit_tests": unit, "unit_tests_s": round(unit_s, 2), "notebooks": len(notebooks),
            "notebook_cells": cells, "nbval_s": round(nbval_s, 2)}


def main() -> int:
    subprocess.run(["bash", "course.sh", "setup"], cwd=ROOT, check=True, stdin=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        result = subprocess.run(["bash", "course.sh", "test", f"--junitxml={report}", "-q"], cwd=ROOT,
                                stdin=subprocess.DEVNULL)
        total = time.perf_counter() - start
        if not report.exists():
            print(f"the test command failed before pytest wrote its report (exit status {result.returncode})")
            return 1
        figures = junit_times(report)
    figures["total_s"] = round(total, 2)
    figures["other_s"] = round(total - figures["unit_tests_s"] - figures["nbval_s"], 2)
    figures["passed"] = result.returncode == 0
    write_results("test_suite_time", figures)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
