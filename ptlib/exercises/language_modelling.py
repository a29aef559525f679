"""Checks for notebook 02 (language modelling as pre-training)."""

from __future__ import annotations

import math
from typing import Any

from .feedback import Feedback, check, not_answered


def check_free_examples(answer: Any, text: str) -> Feedback:
    """Exercise 1: a text of n tokens read from its first word gives n - 1 (context, next word) examples."""
    if (missing := not_answered(answer)) is not None:
        return missing
    n = len(text.split())
    if answer == n:
        return Feedback(False, f"{n} is the number of tokens; the first token has no context to be predicted from "
                               "(unless you add a start symbol), so one fewer.")
    return check(answer == n - 1, f"{n - 1} examples: every token after the first is the label of its prefix.",
                 f"count the tokens ({n}) and the positions that have a word before them.")


def _with_and_without_attractor(items: Any) -> tuple[float, float]:
    return (items.loc[items["attractors"] > 0, "LSTM LM"].mean(), items.loc[items["attractors"] == 0, "LSTM LM"].mean())


def check_attractor_accuracy(answer: Any, pairs: Any) -> Feedback:
    """Exercise 2: (accuracy with an attractor, without one) over items with at least one intervener."""
    if (missing := not_answered(answer)) is not None:
        return missing
    truth = _with_and_without_attractor(pairs[pairs["interveners"] > 0])
    if not isinstance(answer, tuple) or len(answer) != 2:
        return Feedback(False, "give a pair: (with_attractor, without).")
    if all(math.isclose(float(a), b, abs_tol=1e-9) for a, b in zip(answer, truth)):
        gap = truth[1] - truth[0]
        return Feedback(True, f"{truth[0]:.3f} with vs {truth[1]:.3f} without: attractors cost {gap:+.3f}"
                              f"{' (a noun of the other number nearby misleads the model)' if gap > 0 else ''}.")
    if all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(answer, truth[::-1])):
        return Feedback(False, "the two numbers are swapped: with an attractor first.")
    if all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(answer, _with_and_without_attractor(pairs))):
        return Feedback(False, "keep only items with at least one intervening phrase (interveners > 0) first.")
    return Feedback(False, "filter interveners > 0, then split on attractors > 0 and average the 'LSTM LM' column.")
