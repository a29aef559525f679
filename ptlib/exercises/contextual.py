"""Checks for notebook 05 (global vs contextual vectors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from .feedback import Feedback, as_whole, check, describe, not_answered


def _layer_means(tables: Mapping[str, Any]) -> dict[int, float]:
    return {int(name.rsplit(" ", 1)[-1]): float(table["contextual_1nn"].mean()) for name, table in tables.items()}


def check_best_sense_layer(answer: Any, tables: Mapping[str, Any]) -> Feedback:
    """Exercise 1: the biLM layer (0, 1, 2) with the highest mean 1-NN sense accuracy."""
    if (missing := not_answered(answer)) is not None:
        return missing
    means = _layer_means(tables)
    layer = int(answer.strip()) if isinstance(answer, str) and answer.strip().isdigit() else as_whole(answer)
    if layer is None or layer not in means:
        return Feedback(False, f"give the layer as a number: one of {sorted(means)}; got {describe(answer)}.")
    best = max(means, key=means.get)
    scores = ", ".join(f"layer {j}: {score:.3f}" for j, score in sorted(means.items()))
    if layer == 0:
        return Feedback(False, f"layer 0 is the token representation: the same vector for every use of a word, so "
                               f"it cannot separate senses ({scores}).")
    return check(layer == best,
                 f"layer {best} ({scores}). The sense is decided by the context, which only the LSTM layers read.",
                 f"got layer {layer}: compare the means of the contextual_1nn columns ({scores}).")


def check_nearest_word(answer: Any, vectors: Mapping[str, torch.Tensor], query: str) -> Feedback:
    """Exercise 2: the nearest word to ``query`` by cosine similarity (not by Euclidean distance or dot product)."""
    if (missing := not_answered(answer)) is not None:
        return missing
    others = [word for word in vectors if word != query]
    if not isinstance(answer, str):
        return Feedback(False, f"give the word itself, a string (one of {', '.join(others)}); got "
                               f"{describe(answer)}.")
    answer = str(answer).strip()  # np.str_ -> str
    if answer == query:
        return Feedback(False, f"a word is always nearest to itself: leave {query!r} out of the candidates.")
    if answer not in others:
        return Feedback(False, f"got {answer!r}; answer with one of the other words: {', '.join(others)}.")

    def cosine(word: str) -> float:
        return torch.cosine_similarity(vectors[query], vectors[word], dim=0).item()

    best = max(others, key=cosine)
    by_dot = max(others, key=lambda word: float(vectors[query] @ vectors[word]))
    by_distance = min(others, key=lambda word: float((vectors[query] - vectors[word]).norm()))
    if answer != best and answer == by_dot:
        return Feedback(False, f"{answer!r} has the largest dot product; cosine divides by both lengths, so a long "
                               "vector does not win just by being long.")
    if answer != best and answer == by_distance:
        return Feedback(False, f"{answer!r} is the nearest by Euclidean distance; cosine compares directions only.")
    return check(answer == best, f"{best}: cosine {cosine(best):.3f}, the smallest angle to {query!r}.",
                 f"{answer!r} is not the nearest by cosine: compute torch.cosine_similarity between the query and "
                 "each other word and take the largest.")
