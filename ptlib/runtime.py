"""Where computation runs and how to make it repeatable."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from .arguments import whole_number

DEVICE_VARIABLE = "PTLIB_DEVICE"


def device() -> torch.device:
    """The best available device: CUDA, then Apple's MPS, then the CPU.

    ``PTLIB_DEVICE=cpu`` (or ``cuda``, ``mps``) forces a choice, e.g. to compare timings; forcing a device that
    torch does not see is an error here, not at the first tensor moved there.
    """
    mps = getattr(torch.backends, "mps", None)
    available = {"cuda": torch.cuda.is_available(), "mps": mps is not None and mps.is_available(), "cpu": True}
    forced = os.environ.get(DEVICE_VARIABLE, "").strip().lower()
    if forced:
        if forced not in available:
            raise ValueError(f"{DEVICE_VARIABLE}={forced!r}: use cpu, cuda or mps")
        if not available[forced]:
            raise RuntimeError(f"{DEVICE_VARIABLE}={forced} but torch sees no {forced.upper()} device; use cpu, "
                               f"or unset {DEVICE_VARIABLE} to choose the best available")
        return torch.device(forced)
    return torch.device(next(name for name, usable in available.items() if usable))


def cpu_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The model's weights on the CPU, as a cache stores them (readable on a machine without the GPU)."""
    return {key: value.cpu() for key, value in model.state_dict().items()}


def restored(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    """``model`` with the weights ``state``, on the run's device and in eval mode."""
    model.load_state_dict(state)
    return model.to(device()).eval()


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch so that a run repeats; returns a seeded torch generator.

    The seed is a whole number of any kind (``3``, ``np.int64(3)``).
    """
    if (whole := whole_number(seed)) is None:
        raise TypeError(f"a seed is a whole number, got {type(seed).__name__} {seed!r}")
    seed = whole
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


def describe() -> str:
    """One line on the environment, printed at the top of every notebook."""
    from . import config

    dev = device()
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else dev.type
    return (
        f"ptlib mode={config.mode()} | device={name} | torch {torch.__version__} | "
        f"{torch.get_num_threads()} CPU threads"
    )


@contextmanager
def one_cpu_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block; the previous count is restored afterwards.

    For models whose steps are many small operations (GloVe, the biLM, small task models): a second thread
    saves little on an idle 2-core CPU, and on a busy one the threads wait for each other, which made steps
    7 (biLM) to 100 (GloVe) times slower than with one thread.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
