"""Checks for notebook 03 (ULMFiT)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ..train.ulmfit import stlr_multiplier
from .feedback import Feedback, as_number, check, describe, not_answered

GROUPS = ("embedding", "lstm", "head")  # the classifier's layer groups, bottom to top


def check_stlr(answer: Any) -> Feedback:
    """Exercise 1: ``answer(t, T, cut_frac, ratio)`` returns the STLR multiplier of the paper's equation 3.

    The function may return a float, a numpy scalar or a one-element tensor.
    """
    if (missing := not_answered(answer)) is not None:
        return missing
    if not isinstance(answer, Callable):
        return Feedback(False, "define a function my_stlr(t, T, cut_frac=0.1, ratio=32) and pass the function itself; "
                               f"got {describe(answer)}.")
    total, cut_frac, ratio = 200, 0.1, 32
    probes = [0, 5, 20, 21, 110, 199, 200]
    got = []
    for t in probes:
        try:
            value = answer(t, total, cut_frac, ratio)
        except Exception as error:  # a student's function may fail in any way: report it, don't crash the check
            return Feedback(False, f"calling my_stlr({t}, 200, 0.1, 32) raised {type(error).__name__}: {error}")
        if (number := as_number(value)) is None:
            return Feedback(False, f"my_stlr({t}, 200, 0.1, 32) should return one number; got {describe(value)}.")
        got.append(float(number))
    want = [stlr_multiplier(t, total, cut_frac, ratio) for t in probes]
    if all(math.isclose(g, w, rel_tol=1e-6) for g, w in zip(got, want)):
        return Feedback(True, f"it rises from 1/{ratio} to 1 over the first {int(total * cut_frac)} steps, then "
                              "falls back to 1/32 over the rest: a short warm-up, a long decay.")
    if math.isclose(got[2], 1.0) and math.isclose(got[0], 0.0, abs_tol=1e-9):
        return Feedback(False, "at t = 0 the rate should be peak/ratio, not 0: apply (1 + p (ratio - 1)) / ratio to p.")
    if not math.isclose(got[2], 1.0, rel_tol=1e-6):
        return Feedback(False, "at t = cut = floor(T * cut_frac) = 20 the multiplier must be 1 (the peak); "
                               f"got {got[2]:.4f}.")
    if not math.isclose(got[-1], want[-1], rel_tol=1e-6):
        return Feedback(False, f"at t = T it should be back at 1/ratio = {want[-1]:.4f}, got {got[-1]:.4f}: after the "
                               "cut, p = 1 - (t - cut) / (cut * (1 / cut_frac - 1)).")
    return Feedback(False, f"at t = {probes} expected {[round(w, 4) for w in want]}, got {[round(g, 4) for g in got]}.")


def check_unfrozen_groups(answer: Any) -> Feedback:
    """Exercise 2: the layer groups that train during the second stage of gradual unfreezing."""
    if (missing := not_answered(answer)) is not None:
        return missing
    if isinstance(answer, (str, bytes, Mapping)) or not hasattr(answer, "__iter__"):
        return Feedback(False, f"give a set of group names, e.g. {{'head'}}; the groups are {', '.join(GROUPS)}; "
                               f"got {describe(answer)}.")
    chosen = {str(name).strip().lower() for name in answer}
    if unknown := chosen - set(GROUPS):
        return Feedback(False, f"unknown group name(s) {sorted(unknown)}; the groups are {', '.join(GROUPS)}.")
    if chosen == {"embedding", "lstm"}:
        return Feedback(False, "unfreezing goes top-down: the new head trains first, then the layer below it joins.")
    if chosen == {"head"}:
        return Feedback(False, "that is the first stage; in the second one, one more group (the one below) joins.")
    return check(chosen == {"lstm", "head"},
                 "the head and the LSTM train; the embedding, the most general layer, waits for the last stage.",
                 f"got {sorted(chosen)}: the second stage trains the top two groups.")
