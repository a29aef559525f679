"""Run notebooks top to bottom and store their outputs (normalised, so reruns leave no diff).

Each notebook runs in a fresh kernel of the Python that runs this script (the course
environment), with notebooks/ as working directory and ``PTLIB_MODE`` set to the chosen mode.
A notebook that fails is left untouched on disk; the others are still run and saved.

Usage::

    python tools/execute_notebooks.py                       # every notebook, full mode
    python tools/execute_notebooks.py 02_pretraining --mode quick
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import ipykernel.kernelspec
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

MODES = ("quick", "full")
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


def execute(
    nb: NotebookNode, mode: str = "full", cwd: Path = NOTEBOOKS_DIR, timeout: int = 3600
) -> NotebookNode:
    """Run every cell of ``nb`` in place in a fresh kernel and return it, normalised.

    ``timeout`` is per cell, in seconds. Raises nbclient's ``CellExecutionError`` when a cell
    fails (cells tagged ``raises-exception`` may fail).
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    previous = os.environ.get("PTLIB_MODE")
    os.environ["PTLIB_MODE"] = mode  # the kernel inherits this process's environment
    try:
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
    finally:
        if previous is None:
            os.environ.pop("PTLIB_MODE", None)
        else:
            os.environ["PTLIB_MODE"] = previous
    return normalize(nb)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    parser.add_argument("--mode", choices=MODES, default="full", help="PTLIB_MODE for the run (default full)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell (default: 3600)")
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
        print(f"running {path.name} (mode {args.mode}) ...", flush=True)
        start = time.perf_counter()
        try:
            nb = execute(read(path), mode=args.mode, cwd=NOTEBOOKS_DIR, timeout=args.timeout)
        except CellExecutionError as error:
            failed.append(path.name)
            print(f"FAILED {path.name}; the file was left as it was:\n{error}", file=sys.stderr)
            continue
        path.write_text(serialize(nb), encoding="utf-8")
        print(f"  saved {path.name} in {time.perf_counter() - start:.0f} s", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
