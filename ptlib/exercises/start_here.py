"""Checks for notebook 00 (start here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from datasets import Dataset

from .feedback import Feedback, as_number, as_whole, describe, not_answered


def check_token_count(answer: object, corpus: Dataset) -> Feedback:
    """Exercise 1: the number of whitespace tokens in ``corpus`` (an int, a numpy or pandas sum, a tensor)."""
    if (missing := not_answered(answer)) is not None:
        return missing
    truth = sum(len(text.split()) for text in corpus["text"])
    count = as_whole(answer)
    if count is None:
        if (number := as_number(answer)) is not None:
            return Feedback(False, f"a count of tokens is a whole number, got {number}.")
        return Feedback(False, f"the answer should be one number (a count of tokens), got {describe(answer)}.")
    if count == truth:
        return Feedback(True, f"{truth:,} tokens, about {truth / len(corpus):.1f} per sentence.")
    if count == len(corpus):
        return Feedback(False, f"got {count:,}: that is the number of sentences (rows), not of tokens: split each "
                               "text.")
    if count == sum(len(text) for text in corpus["text"]):
        return Feedback(False, f"got {count:,}: that counts characters: split each text on whitespace and count the "
                               "pieces.")
    return Feedback(False, f"{count:,} is off by {count - truth:+,}: count `len(text.split())` over every row.")


def check_senses(answer: object, corpus: Dataset, word: str) -> Feedback:
    """Exercise 2: the set of senses in which ``word`` occurs in ``corpus`` (a set, list, array or column)."""
    if (missing := not_answered(answer)) is not None:
        return missing
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, Iterable):
        return Feedback(False, f"give a set of sense names, e.g. {{'river', 'money'}}; got {describe(answer)}.")
    try:
        given = {str(name) if isinstance(name, str) else name for name in answer}  # np.str_ -> str
    except TypeError:
        return Feedback(False, f"give a set of sense names (strings), e.g. {{'river', 'money'}}; got "
                               f"{describe(answer)}.")
    truth = {row["label"] for row in corpus if row["kind"] == "polysemy" and row["word"] == word}
    if given == truth:
        return Feedback(True, f"{word!r} occurs in {len(truth)} senses: {sorted(truth)}.")
    hints = []
    if given - truth:
        hints.append(f"not senses of {word!r} here: {sorted(given - truth, key=str)}")
    if truth - given:
        hints.append(f"{len(truth - given)} sense(s) missing from your {sorted(given, key=str)}: filter rows with "
                     f"kind == 'polysemy' and word == {word!r}")
    return Feedback(False, "; ".join(hints) + ".")
