"""Checks for notebook 02 (language modelling as pre-training)."""

from __future__ import annotations

import math
from typing import Any

from .feedback import Feedback, as_number, as_numbers, as_whole, check, describe, not_answered


def check_free_examples(answer: Any, text: str) -> Feedback:
    """Exercise 1: a text of n tokens read from its first word gives n - 1 (context, next word) examples."""
    if (missing := not_answered(answer)) is not None:
        return missing
    n = len(text.split())
    count = as_whole(answer)
    if count is None:
        what = "a whole number" if as_number(answer) is not None else "one number"
        return Feedback(False, f"give the number of examples as {what}; got {describe(answer)}.")
    if count == n:
        return Feedback(False, f"{n} is the number of tokens; the first token has no context to be predicted from "
                               "(unless you add a start symbol), so one fewer.")
    return check(count == n - 1, f"{n - 1} examples: every token after the first is the label of its prefix.",
                 f"got {count}: count the tokens ({n}) and the positions that have a word before them.")


def _with_and_without_attractor(items: Any) -> tuple[float, float]:
    return (float(items.loc[items["attractors"] > 0, "LSTM LM"].mean()),
            float(items.loc[items["attractors"] == 0, "LSTM LM"].mean()))


def _same(got: list[float], want: tuple[float, float]) -> bool:
    # 1e-6: a float32 mean (torch) is the same accuracy; two accuracies over fewer than 10**6 items differ more
    return all(math.isclose(g, w, abs_tol=1e-6) or (math.isnan(g) and math.isnan(w)) for g, w in zip(got, want))


def check_attractor_accuracy(answer: Any, pairs: Any) -> Feedback:
    """Exercise 2: (accuracy with an attractor, without one) over items with at least one intervener.

    The pair may be a tuple or list (of floats, numpy floats from pandas, 0-d tensors), an array or a tensor.
    """
    if (missing := not_answered(answer)) is not None:
        return missing
    truth = _with_and_without_attractor(pairs[pairs["interveners"] > 0])
    pair = as_numbers(answer)
    if pair is None or len(pair) != 2:
        return Feedback(False, f"give a pair of accuracies: (with_attractor, without); got {describe(answer)}.")
    got = [float(x) for x in pair]
    shown = f"got ({got[0]:.3f}, {got[1]:.3f})"
    if _same(got, truth):
        gap = truth[1] - truth[0]
        return Feedback(True, f"{truth[0]:.3f} with vs {truth[1]:.3f} without: attractors cost {gap:+.3f}"
                              f"{' (a noun of the other number nearby misleads the model)' if gap > 0 else ''}.")
    if any(map(math.isnan, got)) and not any(map(math.isnan, truth)):
        return Feedback(False, f"{shown}: nan is the mean of no rows, so a filter kept no items: keep interveners > 0, "
                               "then split on attractors > 0.")
    if _same(got, truth[::-1]):
        return Feedback(False, "the two numbers are swapped: with an attractor first.")
    if _same([g / 100 for g in got], truth):
        return Feedback(False, f"{shown}: give accuracies as fractions between 0 and 1, not percentages.")
    if _same(got, _with_and_without_attractor(pairs)):
        return Feedback(False, f"{shown}: keep only items with at least one intervening phrase (interveners > 0) "
                               "first.")
    right = [_same([g], (w,)) for g, w in zip(got, truth)]
    if any(right):
        case = "without an attractor (the second)" if right[0] else "with an attractor (the first)"
        return Feedback(False, f"{shown}: the accuracy {case} is off; the other one is right.")
    return Feedback(False, f"{shown}: filter interveners > 0, then split on attractors > 0 and average the "
                           "'LSTM LM' column.")
