"""Run notebooks top to bottom, store their outputs (normalised, so reruns leave no diff) and their run times.

Each notebook runs in a fresh kernel of the Python that runs this script (the course
environment), with notebooks/ as working directory, ``PTLIB_MODE`` set to the chosen mode and
``PTLIB_CACHE`` pointing at a new, empty folder (deleted afterwards), so it trains every model it
uses. Its wall time is recorded in benchmarks/results/notebook_times.json and from there written
into the README and the notebook headers (tools/run_times.py). A notebook that fails is left
untouched on disk and its time is not recorded; the others are still run and saved.

Usage::

    python tools/execute_notebooks.py                       # every notebook, full mode
    python tools/execute_notebooks.py 02_pretraining --mode quick
    python tools/execute_notebooks.py --mode quick --times-only   # record times, keep the stored outputs
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import ipykernel.kernelspec
import run_times
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode
from normalize_notebooks import (
    NOTEBOOKS_DIR,
    NotebookNotFoundError,
    normalize,
    notebook_paths,
    read,
    serialize,
)
from traitlets import default

MODES = run_times.MODES
CURRENT_ENV_KERNEL = "course-current-env"


class _CurrentEnvKernelSpecs(KernelSpecManager):
    """Resolve our kernel name to an ipykernel of this very Python.

    A user-wide ``python3`` kernelspec (from some other environment) would otherwise win,
    and the notebooks would run without ptlib.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == CURRENT_ENV_KERNEL:
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
            )
        return super().get_kernel_spec(kernel_name)


class _CurrentEnvKernelManager(KernelManager):
    @default("kernel_spec_manager")
    def _current_env_kernel_specs(self) -> KernelSpecManager:
        return _CurrentEnvKernelSpecs(data_dir=self.data_dir)


@contextmanager
def _environment(**variables: str) -> Iterator[None]:
    """Set environment variables (which a kernel started inside inherits), restoring them afterwards."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(
    nb: NotebookNode, mode: str = "full", cwd: Path = NOTEBOOKS_DIR, timeout: int = 3600, cache: Path | None = None
) -> NotebookNode:
    """Run every cell of ``nb`` in place in a fresh kernel and return it, normalised.

    ``timeout`` is per cell, in seconds; ``cache``, when given, is the kernel's ``PTLIB_CACHE``.
    Raises nbclient's ``CellExecutionError`` when a cell fails (cells tagged ``raises-exception`` may fail).
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    variables = {"PTLIB_MODE": mode} | ({"PTLIB_CACHE": str(cache)} if cache is not None else {})
    with _environment(**variables):
        # nbclient starts the kernel, and shuts it down at the end, through this class
        client = NotebookClient(
            nb,
            kernel_name=CURRENT_ENV_KERNEL,
            kernel_manager_class=_CurrentEnvKernelManager,
            timeout=timeout,
            record_timing=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        client.execute()
    return normalize(nb)


def _torch_threads() -> int:
    """The CPU threads torch uses in a new process of this environment (as the kernels are)."""
    import torch  # only here: the other tools do not need it

    return torch.get_num_threads()


def timed_execute(path: Path, mode: str, timeout: int, store: bool) -> run_times.Entry:
    """Run the notebook at ``path`` with an empty model cache; save it when ``store``; return its time."""
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ptlib-cache-") as cache:
        start = time.perf_counter()
        nb = execute(read(path), mode=mode, cwd=NOTEBOOKS_DIR, timeout=timeout, cache=Path(cache))
        seconds = time.perf_counter() - start
    if store:
        path.write_text(serialize(nb), encoding="utf-8")
    return run_times.measured_entry(seconds, started, _torch_threads(), load_start, os.getloadavg()[0], store)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    parser.add_argument("--mode", choices=MODES, default="full", help="PTLIB_MODE for the run (default full)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell (default: 3600)")
    parser.add_argument("--times-only", action="store_true",
                        help="record the run times but leave the notebooks' stored outputs as they are")
    args = parser.parse_args(argv)
    try:
        paths = notebook_paths(args.notebooks)
    except NotebookNotFoundError as error:
        parser.error(str(error))
    if not paths:
        print(f"no notebooks in {NOTEBOOKS_DIR}")
        return 0
    failed = []
    for path in paths:
        print(f"running {path.name} (mode {args.mode}, empty model cache) ...", flush=True)
        try:
            entry = timed_execute(path, args.mode, args.timeout, store=not args.times_only)
        except CellExecutionError as error:
            failed.append(path.name)
            print(f"FAILED {path.name}; the file was left as it was:\n{error}", file=sys.stderr)
            continue
        run_times.record(path.stem, args.mode, entry)
        done = "timed" if args.times_only else "saved"
        print(f"  {done} {path.name}: {entry['seconds']:.0f} s (load average {entry['load_average']['start']:.1f} "
              f"at the start, {entry['threads']} torch thread(s))", flush=True)
    run_times.write_all()
    print(f"run times written to {run_times.RESULTS_PATH.relative_to(run_times.ROOT)}, README.md and the headers")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
