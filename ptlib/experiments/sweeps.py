"""Running a comparison over training-set sizes and seeds, and showing its spread.

A learning curve is accuracy against the number of labelled examples. With few labels one run says
little (which 16 examples were drawn matters a lot), so every point is repeated over seeds and shown
as a mean with a band of one standard deviation.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pandas as pd
from tqdm.auto import tqdm

T = TypeVar("T")


def subsample(examples: Sequence[T], n: int, seed: int, label: Callable[[T], int] | None = None) -> list[T]:
    """``n`` examples drawn without replacement; with ``label`` given, classes are balanced as far as possible."""
    if n <= 0:
        raise ValueError(f"the number of examples must be positive, got {n}")
    if n >= len(examples):
        return list(examples)
    rng = random.Random(seed)
    if label is None:
        return rng.sample(list(examples), n)
    by_class: dict[int, list[T]] = {}
    for example in examples:
        by_class.setdefault(label(example), []).append(example)
    pools = [rng.sample(members, len(members)) for _, members in sorted(by_class.items())]
    chosen: list[T] = []
    while len(chosen) < n:  # round robin over the classes
        for pool in pools:
            if pool and len(chosen) < n:
                chosen.append(pool.pop())
    rng.shuffle(chosen)
    return chosen


def learning_curve(
    methods: dict[str, Callable[[list[T], int], float]],
    train: Sequence[T],
    sizes: Iterable[int],
    seeds: int,
    label: Callable[[T], int] | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Run every method on every (size, seed); each method maps (training examples, seed) to a score.

    All methods see the same subsample for a given (size, seed), so their differences are not sampling noise.
    """
    sizes = list(sizes)
    runs = [(n, seed, name) for n in sizes for seed in range(seeds) for name in methods]
    rows = []
    for n, seed, name in tqdm(runs, desc="learning curve", disable=not progress, leave=False):
        chosen = subsample(train, n, seed, label)
        started = time.perf_counter()
        score = methods[name](chosen, seed)
        rows.append({"method": name, "n": len(chosen), "seed": seed, "score": score,
                     "seconds": time.perf_counter() - started})
    return rows


def summarise(rows: Sequence[dict[str, Any]], by: Sequence[str] = ("method", "n"),
              value: str = "score") -> list[dict[str, Any]]:
    """Mean, standard deviation (0 for a single run) and count of ``value`` for each group of ``by``."""
    summary = (pd.DataFrame(rows).groupby(list(by), sort=False)[value].agg(mean="mean", std="std", runs="count")
               .fillna({"std": 0.0}).reset_index())
    return summary.to_dict("records")


def plot_learning_curves(rows: Sequence[dict[str, Any]], ax: Any = None, chance: float | None = None,
                         ylabel: str = "test accuracy", title: str | None = None) -> Any:
    """Mean score against the number of labels (log scale), one line per method with a ±1 std band."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    summary = summarise(rows)
    for method in dict.fromkeys(row["method"] for row in rows):
        points = sorted((r for r in summary if r["method"] == method), key=lambda r: r["n"])
        xs = [p["n"] for p in points]
        means = [p["mean"] for p in points]
        ax.plot(xs, means, "o-", label=method)
        ax.fill_between(xs, [m - p["std"] for m, p in zip(means, points)],
                        [m + p["std"] for m, p in zip(means, points)], alpha=0.2)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle=":", label="chance")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("labelled training examples")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
