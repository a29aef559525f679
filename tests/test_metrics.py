"""Scores of a results table, against hand-worked confusion matrices and GLUE's definitions."""

import math

import numpy as np
import pytest
import torch

from ptlib.analysis import metrics

# 10 examples: TP = 3, FN = 2, FP = 1, TN = 4 (worked by hand)
LABELS = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
PREDICTIONS = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def test_scores_of_a_hand_worked_confusion_matrix():
    assert metrics.accuracy(PREDICTIONS, LABELS) == pytest.approx(0.7)
    assert metrics.f1_score(PREDICTIONS, LABELS) == pytest.approx(2 * 3 / (2 * 3 + 1 + 2))  # 0.667
    margins = (3 + 1) * (3 + 2) * (4 + 1) * (4 + 2)  # predicted 1, actual 1, actual 0, predicted 0
    assert metrics.matthews_correlation(PREDICTIONS, LABELS) == pytest.approx((3 * 4 - 1 * 2) / math.sqrt(margins))
    # F1 of the other class swaps the roles: TP = 4, FP = 2, FN = 1
    assert metrics.f1_score(PREDICTIONS, LABELS, positive=0) == pytest.approx(8 / 11)


def test_a_constant_answer_scores_its_majority_rate_and_zero_on_glues_metrics():
    labels = [0] * 81 + [1] * 19  # the old lopsided paraphrase test split
    constant = [0] * 100
    assert metrics.majority_rate(labels) == pytest.approx(0.81)
    assert metrics.accuracy(constant, labels) == pytest.approx(0.81)
    assert metrics.f1_score(constant, labels) == 0.0
    assert metrics.matthews_correlation(constant, labels) == 0.0


def test_perfect_and_inverted_predictions_are_the_ends_of_the_mcc_scale():
    assert metrics.matthews_correlation(LABELS, LABELS) == pytest.approx(1.0)
    assert metrics.matthews_correlation([1 - y for y in LABELS], LABELS) == pytest.approx(-1.0)
    assert metrics.f1_score(LABELS, LABELS) == pytest.approx(1.0)


def test_python_numpy_and_torch_inputs_score_alike():
    as_numpy, as_torch = np.array(PREDICTIONS), torch.tensor(PREDICTIONS)
    for predictions in (as_numpy, as_torch):
        assert metrics.task_scores("acceptability", predictions, torch.tensor(LABELS)) == \
            metrics.task_scores("acceptability", PREDICTIONS, LABELS)


def test_each_task_reports_accuracy_and_glues_metric_where_glue_has_one():
    assert set(metrics.task_scores("paraphrase", PREDICTIONS, LABELS)) == {"accuracy", "F1"}
    assert set(metrics.task_scores("acceptability", PREDICTIONS, LABELS)) == {"accuracy", "MCC"}
    assert set(metrics.task_scores("sentiment", PREDICTIONS, LABELS)) == {"accuracy"}


def test_mismatched_or_empty_inputs_are_refused():
    with pytest.raises(ValueError, match="3 predictions for 10 labels"):
        metrics.accuracy([1, 0, 1], LABELS)
    with pytest.raises(ValueError, match="non-empty"):
        metrics.majority_rate([])
    with pytest.raises(ValueError, match="two classes"):
        metrics.matthews_correlation([0, 2], [0, 1])
