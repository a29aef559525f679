"""Checks for notebook 07 (pre-training and fine-tuning a small BERT)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .feedback import Feedback, check, describe, not_answered


def _gains(results: pd.DataFrame) -> dict[str, float]:
    gains = {}
    for task in dict.fromkeys(results["task"]):
        rows = results[results["task"] == task]
        tuned = rows.loc[rows["method"] == "BERT, fine-tuned", "accuracy"].to_numpy(dtype=float).mean()
        scratch = rows.loc[rows["method"] == "from scratch", "accuracy"].to_numpy(dtype=float).mean()
        gains[task] = float(tuned - scratch)
    return gains


def check_best_task(answer: Any, results: pd.DataFrame) -> Feedback:
    """Exercise 1: the task where fine-tuning the pre-trained BERT gains most over the same model from scratch."""
    if (missing := not_answered(answer)) is not None:
        return missing
    gains = _gains(results)
    name = answer.item() if isinstance(answer, np.ndarray) and answer.size == 1 else answer
    if not isinstance(name, str):
        return Feedback(False, f"give the task's name, one of {sorted(gains)}; got {describe(answer)}.")
    listed = ", ".join(f"{task} {gain:+.3f}" for task, gain in sorted(gains.items(), key=lambda item: -item[1]))
    if name.strip() not in gains:
        return Feedback(False, f"no task {name!r} in the results; the tasks are {sorted(gains)}.")
    best = max(gains, key=gains.get)
    return check(name.strip() == best, f"{best}: gains over seeds' means are {listed}.",
                 f"got {name.strip()!r} (gain {gains[name.strip()]:+.3f}); subtract the from-scratch mean from the "
                 f"fine-tuned mean for each task and take the largest: {listed}.")
