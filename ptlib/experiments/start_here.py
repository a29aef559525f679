"""What notebook 00 (start here) calls: the run mode and its sizes (:mod:`ptlib.config`), the cache of trained
models (:mod:`ptlib.cache`) and the micro-world's data (:mod:`ptlib.data`)."""

from ..cache import cache_dir, cache_path, cached, clear
from ..config import FULL, QUICK, RunModeError, flat, mode, sizes
from ..data import GENERATED_TASKS, load_corpus, load_probe, load_task

__all__ = ["FULL", "GENERATED_TASKS", "QUICK", "RunModeError", "cache_dir", "cache_path", "cached", "clear", "flat",
           "load_corpus", "load_probe", "load_task", "mode", "sizes"]
