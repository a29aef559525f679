"""How a classifier's test predictions are scored: accuracy beside the majority-class rate, and GLUE's metrics.

A table of accuracies means little without the rate of always answering the most frequent class: 0.76 is
below chance on a test set that is 81% one class. GLUE (Wang et al., 2019) reports F1 of the positive class
for paraphrase (MRPC, QQP) and Matthews correlation for acceptability (CoLA) for the same reason: both are 0
for a constant answer however lopsided the labels are. :func:`task_scores` gives the scores a results table
shows for one task.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

Labels = Sequence[int] | np.ndarray | torch.Tensor

# The task's GLUE metric besides accuracy (GLUE's MRPC and CoLA); the other tasks report accuracy only.
GLUE_METRIC = {"paraphrase": "F1", "acceptability": "MCC"}


def _as_array(values: Labels, name: str) -> np.ndarray:
    array = np.asarray(values.cpu() if isinstance(values, torch.Tensor) else values)
    if array.ndim != 1 or not len(array):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of class ids, got shape {array.shape}")
    return array.astype(np.int64)


def _pair(predictions: Labels, labels: Labels) -> tuple[np.ndarray, np.ndarray]:
    p, y = _as_array(predictions, "predictions"), _as_array(labels, "labels")
    if len(p) != len(y):
        raise ValueError(f"{len(p)} predictions for {len(y)} labels: score each test example once")
    return p, y


def accuracy(predictions: Labels, labels: Labels) -> float:
    """The share of predictions equal to their label."""
    p, y = _pair(predictions, labels)
    return float((p == y).mean())


def majority_rate(labels: Labels) -> float:
    """The accuracy of always answering the most frequent label: the floor any classifier must clear."""
    return float(np.bincount(_as_array(labels, "labels")).max() / len(labels))


def f1_score(predictions: Labels, labels: Labels, positive: int = 1) -> float:
    """F1 of the ``positive`` class: 2 TP / (2 TP + FP + FN); 0 when the class is never predicted or present."""
    p, y = _pair(predictions, labels)
    tp = int(((p == positive) & (y == positive)).sum())
    wrong = int(((p == positive) != (y == positive)).sum())  # false positives + false negatives
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def matthews_correlation(predictions: Labels, labels: Labels) -> float:
    """Matthews correlation of binary predictions, (TP TN - FP FN) / sqrt of the four margins; 0 if one is empty."""
    p, y = _pair(predictions, labels)
    if set(np.unique(np.concatenate([p, y]))) - {0, 1}:
        raise ValueError("Matthews correlation here is for two classes, 0 and 1")
    tp, tn = int(((p == 1) & (y == 1)).sum()), int(((p == 0) & (y == 0)).sum())
    fp, fn = int(((p == 1) & (y == 0)).sum()), int(((p == 0) & (y == 1)).sum())
    margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return (tp * tn - fp * fn) / math.sqrt(margins) if margins else 0.0


def task_scores(task: str, predictions: Labels, labels: Labels) -> dict[str, float]:
    """Accuracy, and the task's GLUE metric where GLUE has one (F1 for paraphrase, MCC for acceptability)."""
    scores = {"accuracy": accuracy(predictions, labels)}
    metric = GLUE_METRIC.get(task)
    if metric == "F1":
        scores[metric] = f1_score(predictions, labels)
    elif metric == "MCC":
        scores[metric] = matthews_correlation(predictions, labels)
    return scores
