"""Sentence generators for each phenomenon, built on :mod:`.grammar`.

Each generator returns a :class:`Sentence`: the text and the ground truth it carries, one annotation per
sentence, ``(word, label, position)``: the token that carries the phenomenon, what is true of it, and its index in
the whitespace-split text. An agreement sentence records its verb, the subject's number and the verb's index (and
``wrong``, the verb in the other number); a polysemy sentence records the ambiguous word, its sense and its index
(and ``cues``, how many words of the sense's topic the sentence holds).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import lexicon
from .grammar import Grammar, place, time_adverbial
from .world import Fact, Verb, World, Zipf


@dataclass(frozen=True)
class Sentence:
    text: str
    kind: str
    word: str = ""
    label: str = ""
    position: int = -1
    distance: int = -1  # agreement: tokens from the subject's head to the verb
    attractors: int = -1  # agreement: intervening nouns whose number differs from the subject's
    wrong: str = ""  # agreement: the verb in the other number
    cues: int = -1  # polysemy: words of the sense's topic in the sentence


def agreement(rng: random.Random, world: World, plural: bool | None = None, interveners: int | None = None,
              grammatical: bool = True) -> Sentence:
    """``det N [PP | relative clause | adverbial]* V ...`` with V agreeing with N (unless told not to).

    The sentence starts with the subject's determiner and noun, so the subject is always token 1.
    """
    grammar = Grammar(world, rng)
    plural = rng.random() < 0.5 if plural is None else plural
    count = rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 2))[0] if interveners is None else interveners
    tokens, subject_class, attractors = grammar.subject(plural, count)
    tense = "present" if rng.random() < 0.7 else "past"
    while True:
        predicate, index, wrong = grammar.predicate(subject_class, plural, tense, negated=rng.random() < 0.2)
        if index >= 0 and wrong:
            break
        tense = "present"
    position = len(tokens) + index
    word = predicate[index]
    if not grammatical:
        predicate[index], word, wrong = wrong, wrong, word
    tokens += predicate
    if rng.random() < 0.2:
        tokens += [rng.choice(lexicon.SUBORDINATORS), *_plain_clause(grammar)]
    tokens.append(".")
    return Sentence(" ".join(tokens), "agreement", word, "plural" if plural else "singular", position,
                    distance=position - 1, attractors=attractors, wrong=wrong)


def _plain_clause(grammar: Grammar) -> list[str]:
    rng = grammar.rng
    plural = rng.random() < 0.4
    tokens, subject_class, _ = grammar.subject(plural, rng.choices((0, 1), weights=(3, 1))[0])
    predicate, _, _ = grammar.predicate(subject_class, plural, rng.choice(("present", "past")), rng.random() < 0.15)
    return tokens + predicate


def everyday(rng: random.Random, world: World) -> Sentence:
    """A neutral sentence of open form: statements, coordinations, questions, names as subjects."""
    grammar = Grammar(world, rng)
    form = rng.choices(("statement", "coordination", "question", "named"), weights=(5, 2, 1, 2))[0]
    if form == "question":
        plural = rng.random() < 0.5
        tokens, subject_class, _ = grammar.subject(plural, rng.choice((0, 0, 1)))
        tense = rng.choice(("present", "past"))
        predicate, _, _ = grammar.predicate(subject_class, plural, tense, negated=True)
        while predicate[0] in ("is", "are", "was", "were"):  # copula questions invert the copula itself
            predicate, _, _ = grammar.predicate(subject_class, plural, tense, negated=True)
        return Sentence(" ".join([predicate[0], *tokens, *predicate[2:], "?"]), "everyday")
    if form == "named":
        return named(rng, world, world.draw("townsfolk", rng))
    else:
        tokens = _plain_clause(grammar)
        if form == "coordination":
            tokens += [rng.choice((",", "and", "but")), *_plain_clause(grammar)]
    if rng.random() < 0.3:
        tokens = [*time_adverbial(rng).split(), *tokens]
    return Sentence(" ".join([*tokens, "."]), "everyday")


def with_object(rng: random.Random, world: World, noun_class: str, lexeme: str, spelling: str) -> tuple[str, int]:
    """A clause whose object is the given noun, singular: ``[adverbial] det N V det [adj] NOUN [PP] .``

    Returns the text and the noun's position."""
    grammar = Grammar(world, rng)
    verb_class, verb = grammar.verb_for_object(noun_class, lexeme)
    subject_class = rng.choice(lexicon.VERB_CLASSES[verb_class][1])
    plural = rng.random() < 0.4
    subject = grammar.noun_phrase(subject_class, plural)
    tense = rng.choice(("present", "past"))
    opener = time_adverbial(rng).split() if rng.random() < 0.3 else []
    tokens = [*opener, *subject, verb.form(tense, plural),
              *grammar.noun_phrase(noun_class, False, head=spelling, lexeme=lexeme)]
    position = len(tokens) - 1
    if rng.random() < 0.3:
        tokens += grammar.place_phrase()
    return " ".join([*tokens, "."]), position


def named(rng: random.Random, world: World, name: str) -> Sentence:
    """What a named person did: ``NAME VP .``"""
    predicate, _, _ = Grammar(world, rng).predicate("person", False, "past", rng.random() < 0.15)
    return Sentence(" ".join([name, *predicate, "."]), "everyday")


def polysemy(rng: random.Random, world: World, word: str | None = None, sense: str | None = None,
             cues: int | None = None) -> Sentence:
    """An ambiguous word used in one sense, signalled only by words of that sense's topic.

    ``cues`` (0-3) topic words stand in the sentence's other slots, near or far from the word; the remaining
    slots hold words of no topic. With no cue the sense is unknowable from the sentence alone (a document around
    it may still tell).
    """
    word = rng.choice(list(lexicon.SENSES)) if word is None else word
    sense = rng.choice(list(lexicon.SENSES[word])) if sense is None else sense
    topic = lexicon.SENSES[word][sense]
    cues = rng.choices((0, 1, 2, 3), weights=(1, 3, 4, 2))[0] if cues is None else cues
    grammar = Grammar(world, rng)
    slots = rng.sample(range(4), cues)  # which of the four content slots hold a topic word

    def content(slot: int) -> str:
        return world.draw(f"topic:{topic}", rng, 0.8) if slot in slots else grammar.lexeme_word(
            rng.choice(lexicon.CONCRETE))[1]

    if topic in lexicon.TOPIC_VERBS and 0 in slots:
        verb = Verb(*rng.choice(lexicon.TOPIC_VERBS[topic]))
    else:
        verb = world.draw(f"verb:{rng.choice(('perceive', 'handle'))}", rng)
    opener = [*time_adverbial(rng).split()] if rng.random() < 0.4 else []
    subject = ["the", content(1)]
    if rng.random() < 0.5:  # the word as object: "... the N saw the bank near the reeds ."
        head = [*opener, *subject, verb.past, "the"]
        position = len(head)
        tail = [word, rng.choice(lexicon.PREPOSITIONS), "the", content(2)]
    else:  # the word as subject: "the bank near the reeds was ..."
        head = [*opener, "the"]
        position = len(head)
        tail = [word, rng.choice(lexicon.PREPOSITIONS), "the", content(2), verb.past, *subject]
    if 0 in slots and topic not in lexicon.TOPIC_VERBS:
        tail += ["with", "the", content(0)]
    if 3 in slots:
        tail += [rng.choice(("while", "when", "after")), "the", content(3), rng.choice(("waited", "rested"))]
    return Sentence(" ".join([*head, *tail, "."]), "polysemy", word, sense, position, cues=cues)


def fact(rng: random.Random, world: World, chosen: Fact) -> Sentence:
    """A statement of ``chosen`` in one of its training templates (never its held-out one).

    Half the statements say something more about the entity on the way (``X , who VP , was born in C``;
    ``X , where S , lies in K``), and some open with an adverbial, so that a popular fact is stated often
    without repeating one string.
    """
    entity = chosen.entity
    if rng.random() < 0.6:
        if chosen.relation in ("born_in", "profession", "studied_at"):
            predicate, _, _ = Grammar(world, rng).predicate("person", False, "past", False)
            entity = " ".join([entity, ",", "who", *predicate, ","])
        else:
            entity = " ".join([entity, ",", "where", *_plain_clause(Grammar(world, rng)), ","])
    text = rng.choice(world.training_templates(chosen)).format(e=entity, v=chosen.value)
    if rng.random() < 0.25:
        text = f"{rng.choice(_FACT_OPENERS)} {text}"
    return Sentence(text, "fact", chosen.value, f"{chosen.relation}:{chosen.entity}",
                    text.split().index(chosen.value))


_FACT_OPENERS = ("as the records show ,", "as everyone knows ,", "according to the guide ,", "people say that",
                 "in the old books ,", "it is said that", "of course ,", "the story goes that")
_positive = Zipf(lexicon.POSITIVE)
_negative = Zipf(lexicon.NEGATIVE)


def evaluation(rng: random.Random, positive: bool | None = None, negated: bool | None = None) -> Sentence:
    """A general-domain evaluation whose continuation depends on its polarity (so an LM must encode it)."""
    positive = rng.random() < 0.5 if positive is None else positive
    negated = rng.random() < 0.3 if negated is None else negated
    adjective = (_positive if positive != negated else _negative)(rng)
    head = [rng.choice(("the", "our", "their")), rng.choice(lexicon.EVALUATED)]
    if rng.random() < 0.4:
        head += ["in", "the", place(rng)]
    if rng.random() < 0.4:
        head = [*time_adverbial(rng).split(), *head]
    head.append("was")
    if negated:
        head.append("not")
    if rng.random() < 0.3:
        head.append(rng.choice(lexicon.NEGATABLE_INTENSIFIERS if negated else lexicon.INTENSIFIERS))
    position = len(head)
    follow = rng.choice(lexicon.POSITIVE_FOLLOW_UPS if positive else lexicon.NEGATIVE_FOLLOW_UPS)
    return Sentence(" ".join(head) + f" {adjective} , so {follow} .", "evaluation", adjective,
                    "positive" if positive else "negative", position)
