"""Checks for notebook 00 (start here)."""

from __future__ import annotations

from collections.abc import Iterable

from datasets import Dataset

from .feedback import Feedback, not_answered


def check_token_count(answer: object, corpus: Dataset) -> Feedback:
    """Exercise 1: the number of whitespace tokens in ``corpus``."""
    if (missing := not_answered(answer)) is not None:
        return missing
    truth = sum(len(text.split()) for text in corpus["text"])
    if not isinstance(answer, int) or isinstance(answer, bool):
        return Feedback(False, f"the answer should be an int (a count), not {type(answer).__name__}.")
    if answer == truth:
        return Feedback(True, f"{truth:,} tokens, about {truth / len(corpus):.1f} per sentence.")
    if answer == len(corpus):
        return Feedback(False, "that is the number of sentences (rows), not of tokens: split each text.")
    if answer == sum(len(text) for text in corpus["text"]):
        return Feedback(False, "that counts characters: split each text on whitespace and count the pieces.")
    return Feedback(False, f"{answer:,} is off by {answer - truth:+,}: count `len(text.split())` over every row.")


def check_senses(answer: object, corpus: Dataset, word: str) -> Feedback:
    """Exercise 2: the set of senses in which ``word`` occurs in ``corpus``."""
    if (missing := not_answered(answer)) is not None:
        return missing
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return Feedback(False, "give a set of sense names, e.g. {'river', 'money'}.")
    given = set(answer)
    truth = {row["label"] for row in corpus if row["kind"] == "polysemy" and row["word"] == word}
    if given == truth:
        return Feedback(True, f"{word!r} occurs in {len(truth)} senses: {sorted(truth)}.")
    hints = []
    if given - truth:
        hints.append(f"not senses of {word!r} here: {sorted(given - truth)}")
    if truth - given:
        hints.append(f"{len(truth - given)} sense(s) missing: filter rows with kind == 'polysemy' and word == {word!r}")
    return Feedback(False, "; ".join(hints) + ".")
