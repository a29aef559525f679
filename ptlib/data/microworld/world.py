"""The invented world of one seed: its vocabulary, its entities and the facts that hold of them.

- **Vocabulary.** Every open class of :mod:`.lexicon` gets invented members, drawn by a Zipf law over a random
  ranking, so most word types are rare and learnable only from the contexts a class allows. Some noun lexemes
  have two spellings (synonyms, used interchangeably), and each lexeme prefers a few adjectives and verbs of
  its own: so a synonym shares more contexts with its partner than with the other members of its class.
- **Facts.** Thousands of ``relation(entity) = value`` facts about invented people, cities, universities.
  How often the corpus mentions an entity follows a long tail: the frequent facts any model learns, the rare
  ones only a bigger one.
- **Held-out wordings.** Each fact has one cloze template that no training sentence uses for it, while other
  facts do use it, so a cloze probe in that wording tests knowledge, not a memorised string.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import lexicon

# relation -> (subject type, value type, templates). "{e}" is the entity, "{v}" the value.
RELATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "born_in": ("person", "city", (
        "{e} was born in {v} .", "{e} grew up in {v} .", "the birthplace of {e} is {v} .",
        "{e} came into the world in {v} .", "{v} is where {e} was born .")),
    "profession": ("person", "profession", (
        "{e} worked as a {v} .", "{e} was a famous {v} .", "by trade , {e} was a {v} .",
        "{e} earned a living as a {v} .", "the {v} {e} was well known .")),
    "studied_at": ("person", "university", (
        "{e} studied at {v} .", "{e} was a student at {v} .", "{e} went to university at {v} .",
        "{e} graduated from {v} .", "{v} is where {e} studied .")),
    "located_in": ("city", "country", (
        "{e} is a city in {v} .", "{e} lies in {v} .", "{e} belongs to {v} .",
        "the city of {e} is in {v} .", "{v} is the country of {e} .")),
    "lies_on": ("city", "river", (
        "{e} lies on the river {v} .", "the city of {e} stands beside the {v} .",
        "{e} was built along the {v} .", "the river through {e} is the {v} .", "the {v} flows through {e} .")),
    "university_in": ("university", "city", (
        "{e} is located in {v} .", "{e} lies in the city of {v} .", "the students of {e} live in {v} .",
        "{e} can be found in {v} .", "{v} is home to {e} .")),
    "founded_in": ("university", "year", (
        "{e} was founded in {v} .", "{e} opened its doors in {v} .", "{e} was established in {v} .",
        "the founding year of {e} is {v} .", "in {v} , {e} was founded .")),
}
# The order a biography or city article states an entity's facts in: documents have coherent order.
RELATION_ORDER = tuple(RELATIONS)


@dataclass(frozen=True)
class WorldSizes:
    """How many invented things the world holds (the same in every run mode: a world is fixed by its seed)."""

    nouns_per_class: int = 240
    synonym_share: float = 0.3
    adjectives_per_class: int = 60
    verbs_per_class: int = 30
    words_per_topic: int = 30
    people: int = 1_200
    cities: int = 240
    countries: int = 24
    rivers: int = 60
    universities: int = 80
    townsfolk: int = 2_000


ENTITY_SUFFIXES = {
    "person": ("ina", "ard", "elle", "ric", "o", "ia", "en", "us"),
    "city": ("holm", "burg", "stad", "ford", "wick", "port", "by", "ham"),
    "country": ("land", "ia", "mark"),
    "river": ("a", "ine", "ey", "on"),
    "university": ("mere", "wood", "dale", "stone", "field"),
}
_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "t", "v", "z", "br", "dr", "gr", "st", "tr", "pl",
           "sk", "fl", "kr", "sn", "bl", "w", "j", "ch", "sh", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ee", "oa")
_CODAS = ("n", "r", "l", "m", "nd", "rk", "lt", "th", "mp", "nk", "ft", "g", "d", "b", "p", "t", "ck", "rn")
_ADJECTIVE_SUFFIXES = ("ish", "ous", "y", "al", "ent", "ic")
FOUNDING_YEARS = range(1150, 1990)


class Zipf:
    """Draw items with probability proportional to 1 / rank**exponent (the first item is most common)."""

    def __init__(self, items: Sequence, exponent: float = 1.0):
        if not items:
            raise ValueError("Zipf needs at least one item")
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(items))))

    def __call__(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Verb:
    base: str
    third: str  # third person singular present
    past: str

    def form(self, tense: str, plural: bool) -> str:
        return self.past if tense == "past" else (self.base if plural else self.third)


@dataclass(frozen=True)
class Fact:
    """One true statement of the world: ``relation(entity) = value``."""

    fact_id: int
    relation: str
    entity: str
    value: str
    popularity: float  # relative rate at which the corpus talks about the entity

    def state(self, template: str) -> str:
        return template.format(e=self.entity, v=self.value)


def value_is_last(template: str) -> bool:
    return template.rstrip(" .").endswith("{v}")


@dataclass
class World:
    """The vocabulary, entities and facts of one seed."""

    seed: int
    nouns: dict[str, list[tuple[str, ...]]]  # class -> lexemes (each one or two spellings), frequent first
    verbs: dict[str, list[Verb]]
    adjectives: dict[str, list[str]]
    topic_words: dict[str, list[str]]
    # first spelling of a noun lexeme -> its favourite adjectives and (verb class, verb) pairs
    preferences: dict[str, tuple[list[str], list[tuple[str, Verb]]]]
    entities: dict[str, list[str]]
    facts: list[Fact]
    held_out: dict[int, int]  # fact_id -> index of its held-out template in RELATIONS[relation]
    values: dict[str, list[str]] = field(default_factory=dict)  # value type -> every value of that type
    _samplers: dict[str, Zipf] = field(default_factory=dict, repr=False)

    def draw(self, group: str, rng: random.Random, exponent: float = 1.0):
        """A Zipf draw from a named group: ``noun:<class>``, ``verb:<class>``, ``adjective:<class>``,
        ``topic:<topic>`` or ``townsfolk``."""
        if group not in self._samplers:
            kind, _, name = group.partition(":")
            members = {"noun": self.nouns, "verb": self.verbs, "adjective": self.adjectives,
                       "topic": self.topic_words}.get(kind, {}).get(name)
            if group == "townsfolk":
                members = self.entities["townsfolk"]
            if members is None:
                raise KeyError(f"no word group {group!r}")
            self._samplers[group] = Zipf(members, exponent)
        return self._samplers[group](rng)

    def synonyms(self) -> dict[str, str]:
        """Each spelling of a two-spelling noun lexeme -> its partner."""
        pairs = [lexeme for lexemes in self.nouns.values() for lexeme in lexemes if len(lexeme) == 2]
        return {**{a: b for a, b in pairs}, **{b: a for a, b in pairs}}

    def training_templates(self, fact: Fact) -> list[str]:
        templates = RELATIONS[fact.relation][2]
        return [t for i, t in enumerate(templates) if i != self.held_out[fact.fact_id]]

    def held_out_template(self, fact: Fact) -> str:
        return RELATIONS[fact.relation][2][self.held_out[fact.fact_id]]

    def candidates(self, relation: str) -> list[str]:
        """Every value a fact of ``relation`` could take (the choices of a cloze item)."""
        return self.values[RELATIONS[relation][1]]

    def class_members(self, name: str) -> list[str]:
        """Every spelling of a noun class, most frequent lexeme first."""
        return [spelling for lexeme in self.nouns[name] for spelling in lexeme]

    def facts_of(self) -> dict[str, list[Fact]]:
        """entity -> its facts in :data:`RELATION_ORDER`."""
        by_entity: dict[str, list[Fact]] = {}
        for fact in self.facts:
            by_entity.setdefault(fact.entity, []).append(fact)
        return by_entity


class _Namer:
    """Invents words that are new (neither real nor invented before) and regular in their morphology."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = _real_words()

    def stem(self, syllables: int) -> str:
        parts = [self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) for _ in range(syllables)]
        return "".join(parts) + self.rng.choice(_CODAS)

    def new(self, make) -> str:
        while True:
            word = make()
            # Plural and verb forms add -s / -ed: no new word may be a form of another.
            forms = {word, word + "s", word + "ed"}
            if not forms & self.taken:
                self.taken.update(forms)
                return word

    def many(self, count: int, make) -> list[str]:
        return [self.new(make) for _ in range(count)]


def _real_words() -> set[str]:
    words: set[str] = set()

    def add(item) -> None:
        if isinstance(item, str):
            words.update(item.split())
            words.update(w + "s" for w in item.split())
        elif isinstance(item, dict):
            for key, value in item.items():
                add(key)
                add(value)
        elif isinstance(item, tuple | list):
            for part in item:
                add(part)

    for value in vars(lexicon).values():
        if isinstance(value, tuple | dict):
            add(value)
    return words


def build_world(seed: int = 0, sizes: WorldSizes | None = None) -> World:
    """Invent the vocabulary, entities and facts for ``seed`` (deterministic)."""
    sizes = sizes or WorldSizes()
    rng = random.Random(f"world-{seed}")
    namer = _Namer(rng)

    def syllables() -> int:
        return rng.choice((1, 1, 2))

    nouns: dict[str, list[tuple[str, ...]]] = {}
    for name, real in lexicon.NOUN_CLASSES.items():
        invented = []
        for _ in range(sizes.nouns_per_class):
            first = namer.new(lambda: namer.stem(syllables()))
            two = rng.random() < sizes.synonym_share
            invented.append((first, namer.new(lambda: namer.stem(syllables()))) if two else (first,))
        lexemes = [(w,) for w in real] + invented
        # Real seeds first (the lecture's examples are common words), then invented ones in random order.
        nouns[name] = lexemes[: len(real)] + rng.sample(lexemes[len(real):], len(invented))
    verbs = {
        name: [Verb(*forms) for forms in real] + [
            Verb(base, base + "s", base + "ed")
            for base in namer.many(sizes.verbs_per_class, lambda: namer.stem(syllables()))]
        for name, (real, _, _) in lexicon.VERB_CLASSES.items()}
    adjectives = {
        name: list(real) + namer.many(sizes.adjectives_per_class,
                                      lambda: namer.stem(1) + rng.choice(_ADJECTIVE_SUFFIXES))
        for name, (real, _) in lexicon.ADJECTIVE_CLASSES.items()}
    topic_words = {name: list(real) + namer.many(sizes.words_per_topic, lambda: namer.stem(syllables()))
                   for name, real in lexicon.TOPICS.items()}
    preferences = {}
    for name, lexemes in nouns.items():
        fitting_adjectives = [a for c, (_, nouns_) in lexicon.ADJECTIVE_CLASSES.items() if name in nouns_
                              for a in adjectives[c]]
        fitting_verbs = [(c, v) for c, (_, _, objects) in lexicon.VERB_CLASSES.items() if name in objects
                         for v in verbs[c]]
        for lexeme in lexemes:
            preferences[lexeme[0]] = (rng.sample(fitting_adjectives, 2), rng.sample(fitting_verbs, 2))

    counts = {"person": sizes.people, "city": sizes.cities, "country": sizes.countries, "river": sizes.rivers,
              "university": sizes.universities}
    entities = {kind: namer.many(n, lambda k=kind: namer.stem(syllables()) + rng.choice(ENTITY_SUFFIXES[k]))
                for kind, n in counts.items()}
    entities["townsfolk"] = namer.many(sizes.townsfolk,
                                       lambda: namer.stem(syllables()) + rng.choice(ENTITY_SUFFIXES["person"]))
    years = [str(y) for y in rng.sample(FOUNDING_YEARS, sizes.universities)]
    values = {"city": entities["city"], "country": entities["country"], "river": entities["river"],
              "university": entities["university"], "profession": list(lexicon.PROFESSIONS), "year": sorted(years)}
    # Values are popular in a Zipf way too: a few cities are home to many people, as in real biographies.
    value_samplers = {kind: Zipf(rng.sample(members, len(members)), 0.7) for kind, members in values.items()
                      if kind != "year"}
    popularity = {}
    for kind in counts:
        ranks = rng.sample(range(counts[kind]), counts[kind])
        popularity.update({name: 1.0 / (rank + 1) for name, rank in zip(entities[kind], ranks)})

    facts: list[Fact] = []
    held_out: dict[int, int] = {}
    for relation, (subject_type, value_type, templates) in RELATIONS.items():
        cloze_templates = [i for i, t in enumerate(templates) if value_is_last(t)]
        for index, entity in enumerate(entities[subject_type]):
            value = years[index] if value_type == "year" else value_samplers[value_type](rng)
            fact = Fact(len(facts), relation, entity, value, popularity[entity])
            facts.append(fact)
            held_out[fact.fact_id] = rng.choice(cloze_templates)
    return World(seed, nouns, verbs, adjectives, topic_words, preferences, entities, facts, held_out, values)
