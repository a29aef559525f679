"""Shared by the benchmark scripts: print a table of figures and keep them as JSON.

Each benchmark writes ``benchmarks/results/<name>.json`` holding the date, the machine it ran on
and its figures, so that a figure quoted in a notebook or the README can be traced to a run.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import os
import platform
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

Figure = float | int | str | bool | None


def machine() -> dict[str, object]:
    """What the figures depend on: CPU model and cores, Python, torch, platform."""
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch_version,
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def format_table(figures: dict[str, Figure]) -> str:
    """The figures as a two-column text table, floats with 2 decimals."""
    width = max((len(key) for key in figures), default=0)
    rows = [f"{key:<{width}}  {value:.2f}" if isinstance(value, float) else f"{key:<{width}}  {value}"
            for key, value in figures.items()]
    return "\n".join(rows)


def write_results(name: str, figures: dict[str, Figure], results_dir: Path = RESULTS_DIR) -> Path:
    """Print ``figures`` as a table and write them, dated and with the machine, to ``<name>.json``."""
    if not name or any(sep in name for sep in ("/", "\\")) or name.startswith("."):
        raise ValueError(f"benchmark name {name!r}: use a plain file stem such as 'test_suite_time'")
    record = {
        "name": name,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures,
    }
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    info = record["machine"]
    print(f"{name}  ({info['cores']} cores, {info['cpu']}, torch {info['torch']})")
    print(format_table(figures))
    print(f"written to {path}")
    return path
