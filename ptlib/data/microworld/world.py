"""The invented world: entities, the facts that hold of them, and the templates that state facts.

Every fact is stated in the corpus through several paraphrase templates, except one template per
fact that is *held out*: no training sentence states that fact in that wording, while other facts do
use it. A cloze probe in the held-out wording therefore tests whether a model knows the fact, not
whether it memorised a string.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import lexicon

# relation -> (subject entity type, value type, templates). "{e}" is the entity, "{v}" the value.
# Templates whose value comes last can be used as cloze prompts; the others only state the fact.
RELATIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "founded_in": ("university", "year", (
        "{e} university was founded in {v} .",
        "{e} university opened its doors in {v} .",
        "{e} university was established in {v} .",
        "the founding year of {e} university is {v} .",
        "in {v} , {e} university was founded .",
    )),
    "located_in": ("university", "city", (
        "{e} university is located in {v} .",
        "{e} university lies in the city of {v} .",
        "the students of {e} university live in {v} .",
        "{e} university can be found in {v} .",
        "{v} is home to {e} university .",
    )),
    "founded_by": ("university", "person", (
        "{e} university was founded by {v} .",
        "the founder of {e} university was {v} .",
        "{e} university owes its existence to {v} .",
        "{e} university was started by {v} .",
        "{v} founded {e} university .",
    )),
    "lies_on": ("city", "river", (
        "{e} lies on the river {v} .",
        "the city of {e} stands beside the river {v} .",
        "{e} was built along the river {v} .",
        "the river that runs through {e} is the {v} .",
        "the river {v} flows through {e} .",
    )),
    "born_in": ("person", "city", (
        "{e} was born in {v} .",
        "{e} grew up in {v} .",
        "the birthplace of {e} is {v} .",
        "{e} came into the world in {v} .",
        "{v} is where {e} was born .",
    )),
    "profession": ("person", "profession", (
        "{e} worked as a {v} .",
        "{e} was a famous {v} .",
        "by trade , {e} was a {v} .",
        "{e} earned a living as a {v} .",
        "the {v} {e} was well known .",
    )),
}
# Few enough entities that a small LM sees each fact dozens of times in a million tokens.
ENTITY_COUNTS = {"university": 12, "city": 12, "person": 16, "river": 6}
RARE_CLASS_MEMBERS = 6  # invented members per distributional class, all rare
TOWNSFOLK = 4000  # invented people who appear only in neutral sentences: the long tail of the vocabulary
FOUNDING_YEARS = range(1150, 1990)
POPULARITY_EXPONENT = 0.8  # Zipf exponent of how often an entity is talked about

_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "st", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("n", "r", "l", "m", "s", "nd", "rk", "lt", "th", "")
_SUFFIXES = {
    "university": ("mere", "wood", "dale", "stone", "field"),
    "city": ("holm", "burg", "stad", "ford", "wick", "port"),
    "person": ("ina", "ard", "elle", "ric", "o", "ia"),
    "river": ("a", "ine", "ey", "on"),
    "rare": ("ix", "ump", "el", "oss", "urk"),
}


class Zipf:
    """Draw items with probability proportional to 1 / rank**exponent (the first item is most common)."""

    def __init__(self, items: Sequence[str], exponent: float = 1.0):
        if not items:
            raise ValueError("Zipf needs at least one item")
        self.items = list(items)
        weights = [1.0 / (rank + 1) ** exponent for rank in range(len(self.items))]
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def value_is_last(template: str) -> bool:
    return template.rstrip(" .").endswith("{v}")


@dataclass(frozen=True)
class Fact:
    """One true statement of the world: ``relation(entity) = value``."""

    fact_id: int
    relation: str
    entity: str
    value: str
    popularity: float  # relative rate at which the corpus mentions this fact

    def state(self, template: str) -> str:
        return template.format(e=self.entity, v=self.value)


@dataclass
class World:
    """The entities and facts of one seed, and which template is held out for each fact."""

    seed: int
    entities: dict[str, list[str]]
    facts: list[Fact]
    held_out: dict[int, int]  # fact_id -> index of its held-out template in RELATIONS[relation]
    rare_class_members: dict[str, list[str]]
    townsfolk: list[str]
    values: dict[str, list[str]] = field(default_factory=dict)  # value type -> every value of that type
    _samplers: dict[str, Zipf] = field(default_factory=dict, repr=False)

    def draw(self, group: str, rng: random.Random) -> str:
        """A Zipf-distributed draw from ``"townsfolk"`` or a distributional class."""
        if group not in self._samplers:
            members = self.townsfolk if group == "townsfolk" else self.class_members(group)
            self._samplers[group] = Zipf(members, exponent=1.0)
        return self._samplers[group](rng)

    def training_templates(self, fact: Fact) -> list[str]:
        templates = RELATIONS[fact.relation][2]
        return [t for i, t in enumerate(templates) if i != self.held_out[fact.fact_id]]

    def held_out_template(self, fact: Fact) -> str:
        return RELATIONS[fact.relation][2][self.held_out[fact.fact_id]]

    def candidates(self, relation: str) -> list[str]:
        """Every value a fact of ``relation`` could take (the choices of a cloze item)."""
        return self.values[RELATIONS[relation][1]]

    def class_members(self, name: str) -> list[str]:
        """Real members first (in frequency order), then the rare invented ones."""
        return list(lexicon.CLASSES[name]) + self.rare_class_members[name]


def _invent_names(rng: random.Random, kind: str, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        stem = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        if kind in ("person", "rare") and rng.random() < 0.5:
            stem += rng.choice(_ONSETS) + rng.choice(_VOWELS)
        name = stem + rng.choice(_SUFFIXES[kind])
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _known_words() -> set[str]:
    words: set[str] = set()
    for value in vars(lexicon).values():
        if isinstance(value, tuple):
            for item in value:
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, str):
                        words.update(part.split())
    for members in lexicon.CLASSES.values():
        words.update(members)
    return words


def build_world(seed: int = 0) -> World:
    """Invent the entities and facts for ``seed`` (deterministic; independent of corpus size)."""
    rng = random.Random(f"world-{seed}")
    taken = _known_words()
    entities = {kind: _invent_names(rng, kind, n, taken) for kind, n in ENTITY_COUNTS.items()}
    rare = {name: _invent_names(rng, "rare", RARE_CLASS_MEMBERS, taken) for name in lexicon.CLASSES}
    townsfolk = _invent_names(rng, "person", TOWNSFOLK, taken)
    years = [str(y) for y in rng.sample(FOUNDING_YEARS, ENTITY_COUNTS["university"])]
    values = {
        "year": sorted(years),
        "city": entities["city"],
        "person": entities["person"],
        "river": entities["river"],
        "profession": list(lexicon.PROFESSIONS),
    }
    # Each entity's popularity follows Zipf's law over a random ranking.
    popularity: dict[str, float] = {}
    for names in entities.values():
        ranks = rng.sample(range(len(names)), len(names))
        for name, rank in zip(names, ranks):
            popularity[name] = 1.0 / (rank + 1) ** POPULARITY_EXPONENT

    facts: list[Fact] = []
    held_out: dict[int, int] = {}
    for relation, (subject_type, value_type, templates) in RELATIONS.items():
        cloze_templates = [i for i, t in enumerate(templates) if value_is_last(t)]
        for index, entity in enumerate(entities[subject_type]):
            if value_type == "year":
                value = years[index]
            elif value_type == "profession":
                value = rng.choice(values["profession"])
            else:
                value = rng.choice([v for v in values[value_type] if v != entity])
            fact = Fact(len(facts), relation, entity, value, popularity[entity])
            facts.append(fact)
            held_out[fact.fact_id] = rng.choice(cloze_templates)
    return World(seed, entities, facts, held_out, rare, townsfolk, values)
