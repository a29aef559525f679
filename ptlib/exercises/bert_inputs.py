"""Checks for notebook 06 (BERT's inputs and masking)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..data.vocab import MASK_ID, SPECIAL_TOKENS
from .feedback import Feedback, as_numbers, as_whole, check, describe, not_answered

# (u, the expected reading) for a chosen token 42 whose random replacement would be 7, at the rule's edges
_TOKEN, _RANDOM_WORD = 42, 7
_DRAWS = (0.0, 0.3, 0.7999, 0.8, 0.85, 0.8999, 0.9, 0.95, 0.9999)


def _rule(u: float) -> int:
    return MASK_ID if u < 0.8 else _RANDOM_WORD if u < 0.9 else _TOKEN


def _name(token_id: int) -> str:
    return {MASK_ID: "[MASK]", _RANDOM_WORD: "the random word", _TOKEN: "the token itself"}.get(token_id, "")


def check_corruption(answer: Any) -> Feedback:
    """Exercise 1: ``answer(token, u, random_word)`` gives what BERT reads at a chosen position, for a uniform draw
    ``u`` in [0, 1): [MASK] for u < 0.8, the random word for 0.8 <= u < 0.9, the token itself otherwise."""
    if (missing := not_answered(answer)) is not None:
        return missing
    if not callable(answer):
        return Feedback(False, f"pass the function itself, corrupt(token, u, random_word); got {describe(answer)}.")
    for u in _DRAWS:
        try:
            got = answer(_TOKEN, u, _RANDOM_WORD)
        except Exception as error:  # a student's function may fail in any way: say where
            return Feedback(False, f"corrupt({_TOKEN}, {u}, {_RANDOM_WORD}) raised {type(error).__name__}: {error}.")
        reading = as_whole(got)
        if reading != _rule(u):
            what = f"{reading} ({_name(reading)})" if reading in (MASK_ID, _RANDOM_WORD, _TOKEN) else describe(got)
            return Feedback(False, f"for u = {u} the model should read {_rule(u)} ({_name(_rule(u))}), got {what}: "
                                   f"[MASK] (id {MASK_ID}) below 0.8, the random word from 0.8 up to 0.9, the token "
                                   "itself from 0.9.")
    return Feedback(True, f"all {len(_DRAWS)} draws, edges included, give 80% [MASK], 10% random, 10% unchanged.")


def expected_segments(tokens: Sequence[str]) -> list[int]:
    """0 up to and including the first [SEP], 1 after it (the reference the check compares with)."""
    first_sep = list(tokens).index(SPECIAL_TOKENS[3])
    return [0 if position <= first_sep else 1 for position in range(len(tokens))]


def check_segment_ids(answer: Any, tokens: Sequence[str]) -> Feedback:
    """Exercise 2: the segment ids (token_type_ids) of the encoded pair ``tokens``."""
    if (missing := not_answered(answer)) is not None:
        return missing
    expected, got = expected_segments(tokens), as_numbers(answer)
    if got is None:
        return Feedback(False, f"give one number per token (a list, array or tensor); got {describe(answer)}.")
    if len(got) != len(expected):
        return Feedback(False, f"got {len(got)} ids for {len(tokens)} tokens: one per token, specials included.")
    wrong = [i for i, (a, b) in enumerate(zip(got, expected)) if a != b]
    if not wrong:
        return Feedback(True, "sentence A with [CLS] and its [SEP] is segment 0, sentence B with its [SEP] is 1.")
    i = wrong[0]
    return Feedback(False, f"{len(wrong)} of {len(tokens)} ids are wrong; the first at position {i} "
                           f"({tokens[i]!r}): expected {expected[i]}, got {got[i]}. [CLS], sentence A and the "
                           "first [SEP] are segment 0; everything after that [SEP] is segment 1.")


def layer_parameters(hidden: int, intermediate: int) -> int:
    """One encoder layer's parameters: Q, K, V and output projections with biases, two LayerNorms (scale and
    shift each), and the feed-forward network's two layers with biases (Vaswani et al., 2017; Devlin et al.)."""
    attention = 4 * (hidden * hidden + hidden)
    feed_forward = hidden * intermediate + intermediate + intermediate * hidden + hidden
    return attention + feed_forward + 2 * 2 * hidden


def check_layer_parameters(answer: Any, hidden: int, intermediate: int) -> Feedback:
    """Exercise 3: the parameters of one encoder layer of width ``hidden`` and feed-forward width ``intermediate``."""
    if (missing := not_answered(answer)) is not None:
        return missing
    expected, got = layer_parameters(hidden, intermediate), as_whole(answer)
    if got is None:
        return Feedback(False, f"give one whole number; got {describe(answer)}.")
    weights_only = 4 * hidden * hidden + 2 * hidden * intermediate
    hints = {weights_only: "that is the weight matrices only: every linear layer has a bias too, and each "
                           "LayerNorm a scale and a shift",
             expected - 4 * hidden: "the two LayerNorms are missing (a scale and a shift of size hidden each)",
             expected - 3 * hidden - intermediate: "the biases are missing (one per output of each linear layer)",
             4 * (hidden * hidden + hidden) + 2 * hidden: "that is the attention sub-layer only; add the "
                                                          "feed-forward network"}
    counted = (f"{expected:,} parameters per layer: {4 * (hidden * hidden + hidden):,} in attention, "
               f"{2 * hidden * intermediate + intermediate + hidden:,} in the feed-forward network, "
               f"{4 * hidden:,} in the two LayerNorms.")
    hint = hints.get(got, "count Q, K, V and the output projection (hidden x hidden, plus a bias each), the "
                          "feed-forward layers (hidden x intermediate and back, with biases) and two LayerNorms")
    return check(got == expected, counted, f"got {got:,}, expected {expected:,}: {hint}.")
