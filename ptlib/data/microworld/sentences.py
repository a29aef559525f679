"""Sentence generators. Each returns a :class:`Sentence`: the text and the ground truth it carries.

The ground truth is one annotation per sentence, ``(word, label, position)``: the token that carries
the phenomenon, what is true of it, and its index in the whitespace-split text. For example an
agreement sentence records its verb, the subject's number and the verb's index; a polysemy sentence
records the ambiguous word, its sense and its index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import lexicon
from .world import Fact, World, Zipf


@dataclass(frozen=True)
class Sentence:
    text: str
    kind: str
    word: str = ""
    label: str = ""
    position: int = -1
    # Extra ground truth some kinds carry (agreement: distance, attractors); empty otherwise.
    distance: int = -1
    attractors: int = -1


NOUNS_SINGULAR = [singular for singular, _ in lexicon.NOUN_PAIRS]
_PLURAL = dict(lexicon.NOUN_PAIRS)
# Open-class words are drawn by rank (Zipf), as in real text; closed lists stay uniform.
_subject_noun = Zipf(NOUNS_SINGULAR, exponent=0.8)
_other_noun = Zipf(NOUNS_SINGULAR[::-1], exponent=0.8)
_preposition = Zipf(lexicon.PREPOSITIONS, exponent=1.0)
_past_verb = Zipf(lexicon.PAST_VERBS, exponent=1.0)
_state = Zipf(lexicon.STATES, exponent=1.0)
_place = Zipf(lexicon.PLACES, exponent=1.0)
_year = Zipf([str(1100 + (7 * k) % 900) for k in range(900)], exponent=1.0)  # a fixed scrambled order of years
# How often each kind of intervening phrase is chosen: a prepositional phrase or an object relative
# clause (each with a noun, an attractor when its number differs), or a noun-free concessive.
INTERVENER_WEIGHTS = {"preposition": 0.4, "relative": 0.35, "concessive": 0.25}
_positive = Zipf(lexicon.POSITIVE, exponent=1.0)
_negative = Zipf(lexicon.NEGATIVE, exponent=1.0)


def agreement(rng: random.Random, plural: bool | None = None, interveners: int | None = None,
              grammatical: bool = True) -> Sentence:
    """``the N [PP | relative clause | concessive]* V ...`` with V agreeing with N (unless told not to).

    ``interveners`` sets how many phrases stand between subject and verb (0-3; random if None).
    Attractors are nouns between them whose number differs from the subject's.
    """
    plural = rng.random() < 0.5 if plural is None else plural
    noun = _subject_noun(rng)
    tokens = ["the", _PLURAL[noun] if plural else noun]
    count = rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 2))[0] if interveners is None else interveners
    attractors = 0
    for _ in range(count):
        phrase = rng.choices(list(INTERVENER_WEIGHTS), weights=list(INTERVENER_WEIGHTS.values()))[0]
        if phrase != "concessive":
            other_plural = rng.random() < 0.5
            other = _other_noun(rng)
            other = _PLURAL[other] if other_plural else other
            attractors += other_plural != plural
            if phrase == "preposition":
                tokens += [*_preposition(rng).split(), "the", other]
            else:
                tokens += ["that", "the", other, _past_verb(rng)]
        else:
            tokens += [",", "even", "though", rng.choice(lexicon.CONCESSIVE_ADJECTIVES), ","]
    singular_verb, plural_verb, complement = rng.choice(lexicon.AGREEING_VERBS)
    agrees_plural = plural if grammatical else not plural
    verb = plural_verb if agrees_plural else singular_verb
    position = len(tokens)
    tokens.append(verb)
    tokens += (_state(rng) if complement == "state" else rng.choice(lexicon.POSSESSIONS)).split()
    if rng.random() < 0.3:
        pronoun = "them" if plural else "it"
        tokens += ["because", *rng.choice(lexicon.BECAUSE_CLAUSES).format(pronoun=pronoun).split()]
    tokens.append(".")
    return Sentence(" ".join(tokens), "agreement", verb, "plural" if plural else "singular", position,
                    distance=position - 1, attractors=attractors)


_SENSE_OPENERS = ("", "yesterday", "last week", "as usual ,", "once again", "that morning")
_SENSE_CLOSERS = ("", "", ", as everyone expected", ", they said", ", just like last year", ", to our surprise")


def polysemy(rng: random.Random, word: str | None = None, sense: str | None = None) -> Sentence:
    """A sentence using an ambiguous word in one sense, with that sense's context on both sides."""
    word = rng.choice(list(lexicon.SENSES)) if word is None else word
    senses = lexicon.SENSES[word]
    sense = rng.choice(list(senses)) if sense is None else sense
    before, after = senses[sense]
    left = " ".join(filter(None, (rng.choice(_SENSE_OPENERS), rng.choice(before))))
    right = rng.choice(after)
    closer = rng.choice(_SENSE_CLOSERS)
    if closer:
        right = right[:-2] + " " + closer + " ."
    position = len(left.split())
    return Sentence(f"{left} {word} {right}", "polysemy", word, sense, position)


def evaluation(rng: random.Random, positive: bool | None = None, negated: bool | None = None) -> Sentence:
    """A general-domain evaluation whose continuation depends on its polarity (so an LM must encode it)."""
    positive = rng.random() < 0.5 if positive is None else positive
    negated = rng.random() < 0.3 if negated is None else negated
    adjective = (_positive if positive != negated else _negative)(rng)
    head = [*rng.choice(lexicon.EVALUATED).split(), "was"]
    if negated:
        head.append("not")
    if rng.random() < 0.3:
        head.append(rng.choice(lexicon.NEGATABLE_INTENSIFIERS if negated else lexicon.INTENSIFIERS))
    position = len(head)
    follow = rng.choice(lexicon.POSITIVE_FOLLOW_UPS if positive else lexicon.NEGATIVE_FOLLOW_UPS)
    text = " ".join(head) + f" {adjective} , so {follow} ."
    return Sentence(text, "evaluation", adjective, "positive" if positive else "negative", position)


def class_member(rng: random.Random, world: World, name: str | None = None) -> Sentence:
    """A sentence whose context marks a word's distributional class (animal, food, ...)."""
    name = rng.choice(list(lexicon.CLASSES)) if name is None else name
    word, other = world.draw(name, rng), world.draw(name, rng)
    template = rng.choice(lexicon.CLASS_TEMPLATES[name])
    position = template.split().index(next(t for t in template.split() if "{w}" in t))
    return Sentence(template.format(w=word, w2=other), "class", word, name, position)


def fact(rng: random.Random, world: World, chosen: Fact) -> Sentence:
    """A statement of ``chosen`` in one of its training templates (never its held-out one)."""
    template = rng.choice(world.training_templates(chosen))
    text = chosen.state(template)
    position = text.split().index(chosen.value)
    return Sentence(text, "fact", chosen.value, f"{chosen.relation}:{chosen.entity}", position)


def filler(rng: random.Random, world: World) -> Sentence:
    """A neutral everyday sentence; these give the corpus its long tail of words."""
    template = rng.choice(lexicon.FILLER_TEMPLATES)
    second = _other_noun(rng)
    text = template.format(
        name=world.draw("townsfolk", rng), name2=world.draw("townsfolk", rng), n=_subject_noun(rng),
        n2=second, n2s=_PLURAL[second], p=_preposition(rng), place=_place(rng), year=_year(rng),
    )
    return Sentence(text, "filler")


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
