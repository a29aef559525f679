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


def _largest(answer: Any, values: dict[str, float], label: str, right: str, how: str) -> Feedback:
    """Feedback on naming the task with the largest of ``values`` (a ``label`` per task)."""
    if (missing := not_answered(answer)) is not None:
        return missing
    name = answer.item() if isinstance(answer, np.ndarray) and answer.size == 1 else answer
    if not isinstance(name, str):
        return Feedback(False, f"give the task's name, one of {sorted(values)}; got {describe(answer)}.")
    name = name.strip()
    listed = ", ".join(f"{task} {value:+.3f}" for task, value in sorted(values.items(), key=lambda item: -item[1]))
    if name not in values:
        return Feedback(False, f"no task {name!r} in the results; the tasks are {sorted(values)}.")
    best = max(values, key=values.get)
    return check(name == best, f"{best}: {right} {listed}.",
                 f"got {name!r} ({label} {values[name]:+.3f}); {how}: {listed}.")


def check_best_task(answer: Any, results: pd.DataFrame) -> Feedback:
    """Exercise 1: the task where fine-tuning the pre-trained BERT gains most over the same model from scratch."""
    return _largest(answer, _gains(results), "gain", "gains over seeds' means are",
                    "subtract the from-scratch mean from the fine-tuned mean for each task and take the largest")


def check_unfound_task(answer: Any, knowledge: pd.DataFrame, results: pd.DataFrame) -> Feedback:
    """Exercise 2: the task whose best reader without fine-tuning beats the fine-tuned BERT's mean by the most."""
    tuned = results[results["method"] == "BERT, fine-tuned"].groupby("task")["accuracy"].mean()
    best_reader = knowledge.groupby("task")["accuracy"].max()
    margins = {task: float(best_reader[task] - tuned[task]) for task in best_reader.index if task in tuned.index}
    return _largest(answer, margins, "margin", "the best reader minus the fine-tuned BERT is",
                    "for each task take its best reader's accuracy, subtract the fine-tuned BERT's mean over seeds, "
                    "and take the largest")
