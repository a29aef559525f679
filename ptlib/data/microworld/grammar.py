"""A small compositional grammar over the world's vocabulary: noun phrases, verb phrases, relative clauses.

``S -> [adverbial] NP VP [subordinate S] | S and S | aux NP VP ?``; ``NP -> det [adj] N [PP | RC]``;
``VP -> [not] V NP [PP] | V | copula [not] adj``; relative clauses are subject (``that V NP``) or object
(``that NP V``) clauses, so phrases nest. Verbs choose their subjects and objects by class (people cook food,
animals eat it), and each noun lexeme prefers a few adjectives and verbs of its own (:mod:`.world`).
"""

from __future__ import annotations

import random

from . import lexicon
from .world import Verb, World, Zipf

_VERB_CLASSES = list(lexicon.VERB_CLASSES)
_TRANSITIVE = [name for name in _VERB_CLASSES if lexicon.VERB_CLASSES[name][2]]
_preposition = Zipf(lexicon.PREPOSITIONS)
place = Zipf(lexicon.PLACES)
time_adverbial = Zipf(lexicon.TIME_ADVERBIALS)
_manner = Zipf(lexicon.MANNER_ADVERBS)
# People and animals are most often what a sentence is about.
_SUBJECT_WEIGHTS = [6 if c == "person" else 4 if c == "animal" else 1 for c in lexicon.CONCRETE]


def _plural_of(noun: str) -> str:
    return noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s"


class Grammar:
    """Phrases of the micro-world's English, drawn for one world."""

    def __init__(self, world: World, rng: random.Random):
        self.world, self.rng = world, rng

    def lexeme_word(self, noun_class: str) -> tuple[str, str]:
        """A noun of ``noun_class``: (its lexeme's first spelling, the spelling used here)."""
        lexeme = self.world.draw(f"noun:{noun_class}", self.rng)
        return lexeme[0], self.rng.choice(lexeme)

    def adjective_for(self, noun_class: str, lexeme: str | None) -> str:
        if lexeme in self.world.preferences and self.rng.random() < 0.5:
            return self.rng.choice(self.world.preferences[lexeme][0])
        fitting = [c for c, (_, nouns) in lexicon.ADJECTIVE_CLASSES.items() if noun_class in nouns]
        return self.world.draw(f"adjective:{self.rng.choice(fitting)}", self.rng)

    def noun_phrase(self, noun_class: str, plural: bool, adjective: float = 0.3, head: str | None = None,
                    lexeme: str | None = None) -> list[str]:
        """``det [adj] N``; ``head`` fixes the noun (its singular spelling)."""
        if head is None:
            lexeme, head = self.lexeme_word(noun_class)
        tokens = [self.rng.choice(lexicon.DETERMINERS["plural" if plural else "singular"])]
        if self.rng.random() < adjective:
            tokens.append(self.adjective_for(noun_class, lexeme))
        tokens.append(_plural_of(head) if plural else head)
        if tokens[0] == "a" and tokens[1][0] in "aeiou":
            tokens[0] = "an"
        return tokens

    def place_phrase(self) -> list[str]:
        return [*_preposition(self.rng).split(), "the", place(self.rng)]

    def verb_for_object(self, object_class: str, lexeme: str | None) -> tuple[str, Verb]:
        if lexeme in self.world.preferences and self.rng.random() < 0.5:
            return self.rng.choice(self.world.preferences[lexeme][1])
        fitting = [c for c in _TRANSITIVE if object_class in lexicon.VERB_CLASSES[c][2]]
        verb_class = self.rng.choice(fitting)
        return verb_class, self.world.draw(f"verb:{verb_class}", self.rng)

    def intervener(self, plural: bool) -> tuple[list[str], int]:
        """A phrase after a subject: a PP or a relative clause with a noun (an attractor when its number differs),
        or a noun-free adverbial. Returns the tokens and the number of attractors."""
        kind = self.rng.choices(("pp", "subject_rc", "object_rc", "adverb"), weights=(4, 2, 2, 1))[0]
        if kind == "adverb":
            return [",", *self.rng.choice(("as usual", "of course", "it seems", "in fact")).split(), ","], 0
        other_plural = self.rng.random() < 0.5
        noun_class = self.rng.choice(lexicon.CONCRETE)
        if kind == "pp":
            phrase = [*_preposition(self.rng).split(), *self.noun_phrase(noun_class, other_plural)]
        elif kind == "subject_rc":
            verb_class, verb = self.verb_for_object(noun_class, None)
            phrase = ["that", verb.past, *self.noun_phrase(noun_class, other_plural)]
        else:
            subject_class = self.rng.choice(lexicon.ANIMATE)
            verb_class = self.rng.choice([c for c in _TRANSITIVE if subject_class in lexicon.VERB_CLASSES[c][1]])
            verb = self.world.draw(f"verb:{verb_class}", self.rng)
            phrase = ["that", *self.noun_phrase(subject_class, other_plural, adjective=0.1), verb.past]
        return phrase, int(other_plural != plural)

    def predicate(self, subject_class: str, plural: bool, tense: str, negated: bool) -> tuple[list[str], int, str]:
        """The verb phrase of a clause whose subject is of ``subject_class``.

        Returns its tokens, the index of the word that agrees with the subject, and that word in the other number
        (past-tense lexical verbs agree with nothing: index -1)."""
        rng = self.rng
        if rng.random() < 0.25:  # copula + adjective
            singular, plural_form = lexicon.COPULA[tense]
            tokens = [plural_form if plural else singular]
            if negated:
                tokens.append("not")
            tokens.append(self.adjective_for(subject_class, None))
            return tokens, 0, singular if plural else plural_form
        verb_classes = [c for c in _VERB_CLASSES if subject_class in lexicon.VERB_CLASSES[c][1]]
        verb_class = rng.choice(verb_classes)
        objects = lexicon.VERB_CLASSES[verb_class][2]
        if objects:
            object_class = rng.choice(objects)
            lexeme, head = self.lexeme_word(object_class)
            favourite_class, verb = self.verb_for_object(object_class, lexeme)
            if subject_class not in lexicon.VERB_CLASSES[favourite_class][1]:
                verb = self.world.draw(f"verb:{verb_class}", rng)
            tail = self.noun_phrase(object_class, rng.random() < 0.3, head=head, lexeme=lexeme)
            if rng.random() < 0.25:
                tail += self.place_phrase()
        else:
            verb = self.world.draw(f"verb:{verb_class}", rng)
            tail = self.place_phrase() if rng.random() < 0.6 else []
        if rng.random() < 0.15:
            tail.append(_manner(rng))
        if negated:
            singular, plural_form = lexicon.AUXILIARY[tense]
            auxiliary = plural_form if plural else singular
            wrong = singular if plural else plural_form
            return [auxiliary, "not", verb.base, *tail], 0, wrong if tense == "present" else ""
        form = verb.form(tense, plural)
        if tense == "past":
            return [form, *tail], -1, ""
        return [form, *tail], 0, verb.form(tense, not plural)

    def subject(self, plural: bool, interveners: int) -> tuple[list[str], str, int]:
        """``det [adj] N`` followed by ``interveners`` phrases; returns tokens, the noun class and attractors."""
        subject_class = self.rng.choices(lexicon.CONCRETE, weights=_SUBJECT_WEIGHTS)[0]
        tokens = self.noun_phrase(subject_class, plural, adjective=0.0)
        attractors = 0
        for _ in range(interveners):
            phrase, attracting = self.intervener(plural)
            tokens += phrase
            attractors += attracting
        return tokens, subject_class, attractors
