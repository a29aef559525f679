"""Film reviews, the target domain: sentiment decided compositionally (negation, contrast)."""

from __future__ import annotations

import random

from . import lexicon
from .sentences import Sentence
from .world import Zipf


def _clause(rng: random.Random, aspect: str, positive: bool, adjectives: tuple[Zipf, Zipf]) -> str:
    negated = rng.random() < 0.3
    adjective = adjectives[0](rng) if positive != negated else adjectives[1](rng)
    verb = "were" if aspect.endswith("s") else "was"
    words = [aspect, verb]
    if negated:
        words.append("not")
    if rng.random() < 0.3:
        words.append(rng.choice(lexicon.NEGATABLE_INTENSIFIERS if negated else lexicon.INTENSIFIERS))
    return " ".join([*words, adjective])


# Reviews draw polar words less skewed than general text, so a few labels cannot cover them.
_review_adjectives = (Zipf(lexicon.POSITIVE, exponent=0.5), Zipf(lexicon.NEGATIVE, exponent=0.5))


def review(rng: random.Random, positive: bool | None = None, with_verdict: bool = False) -> Sentence:
    """A film review whose sentiment is decided compositionally.

    One evaluative sentence decides the label: a single clause (its polar word, flipped by "not"),
    or two clauses of opposite polarity joined by "but" / "although", where the second one wins.
    The rest is neutral. Only unlabelled reviews end with a verdict ("i would (not) recommend it"),
    which depends on the sentiment: that is what an LM fine-tuned on them must learn to predict.
    """
    positive = rng.random() < 0.5 if positive is None else positive
    parts = []
    if rng.random() < 0.7:
        parts.append(rng.choice(lexicon.REVIEW_OPENERS))
    parts += rng.sample(lexicon.REVIEW_NEUTRAL, rng.choice((0, 1, 1, 2)))
    construction = rng.choices(("plain", "contrast", "although"), weights=(7, 2, 1))[0]
    first, second = rng.sample(lexicon.ASPECTS, 2)
    if construction == "plain":
        parts.append(_clause(rng, first, positive, _review_adjectives) + " .")
    elif construction == "contrast":
        parts.append(f"{_clause(rng, first, not positive, _review_adjectives)} , but "
                     f"{_clause(rng, second, positive, _review_adjectives)} .")
    else:
        parts.append(f"although {_clause(rng, first, not positive, _review_adjectives)} , "
                     f"{_clause(rng, second, positive, _review_adjectives)} .")
    if rng.random() < 0.2:
        parts.append(rng.choice(lexicon.REVIEW_NEUTRAL))
    if with_verdict:
        parts.append(rng.choice(lexicon.POSITIVE_VERDICTS if positive else lexicon.NEGATIVE_VERDICTS))
    return Sentence(" ".join(parts), "review", construction, "positive" if positive else "negative")
