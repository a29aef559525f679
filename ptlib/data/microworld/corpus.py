"""Assemble generated sentences into documents and ``datasets`` objects.

The general-domain corpus is a sequence of documents (so that "the next sentence" means something):

- *entity* documents (a biography, a city's or a university's article) state the facts of one invented entity,
  chosen by its Zipf popularity, in a fixed natural order;
- *scene* documents use one ambiguous word in one sense a few times, among words of that sense's topic;
- *everyday* documents mix agreement sentences, open sentences of every form and evaluations.

Columns of every sentence table: ``text``, ``doc_id``, ``kind`` and the ground truth ``word``, ``label``,
``position`` (see :mod:`.sentences`), plus ``distance``, ``attractors`` and ``wrong`` for agreement and ``cues``
for polysemy (-1 or "" where they do not apply).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator

from datasets import Dataset, DatasetDict

from ...arguments import whole_number
from . import sentences as gen
from .reviews import review
from .sentences import Sentence
from .world import Fact, World, build_world

DOCUMENT_WEIGHTS = {"entity": 0.3, "scene": 0.15, "everyday": 0.55}
EVERYDAY_WEIGHTS = {"agreement": 0.4, "everyday": 0.45, "evaluation": 0.15}
ENTITY_KIND_WEIGHTS = {"person": 0.7, "city": 0.2, "university": 0.1}
COLUMNS = ("text", "doc_id", "kind", "word", "label", "position", "distance", "attractors", "wrong", "cues")


def check_size(name: str, value: int) -> int:
    """Sizes must be positive integers (numpy's too): say so clearly instead of returning an empty corpus."""
    if (whole := whole_number(value)) is None:
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if whole <= 0:
        raise ValueError(f"{name} must be positive, got {whole}")
    return whole


def _entity_document(rng: random.Random, world: World, facts: list[Fact]) -> list[Sentence]:
    """An entity's facts in their natural order (birth before studies before profession), each stated once,
    sometimes with a sentence about what the entity did."""
    document = [gen.fact(rng, world, fact) for fact in facts if rng.random() < 0.85] or [gen.fact(rng, world, facts[0])]
    if facts[0].relation == "born_in" and rng.random() < 0.4:
        document.insert(rng.randint(1, len(document)), gen.named(rng, world, facts[0].entity))
    return document


def _scene_document(rng: random.Random, world: World) -> list[Sentence]:
    first = gen.polysemy(rng, world)
    return [first, *(gen.polysemy(rng, world, first.word, first.label) for _ in range(rng.randint(1, 3)))]


def _everyday_document(rng: random.Random, world: World) -> list[Sentence]:
    makers: dict[str, Callable[[], Sentence]] = {
        "agreement": lambda: gen.agreement(rng, world),
        "everyday": lambda: gen.everyday(rng, world),
        "evaluation": lambda: gen.evaluation(rng),
    }
    kinds = rng.choices(list(makers), weights=list(EVERYDAY_WEIGHTS.values()), k=rng.randint(3, 6))
    return [makers[kind]() for kind in kinds]


def generate_documents(n_sentences: int, seed: int = 0, world: World | None = None) -> Iterator[list[Sentence]]:
    """Yield documents (lists of sentences) until ``n_sentences`` sentences have been produced."""
    check_size("n_sentences", n_sentences)
    world = world or build_world(seed)
    rng = random.Random(f"corpus-{seed}")
    by_entity = world.facts_of()
    by_kind = {kind: [e for e in world.entities[kind] if e in by_entity] for kind in ENTITY_KIND_WEIGHTS}
    samplers = {kind: [by_entity[e][0].popularity for e in entities] for kind, entities in by_kind.items()}
    cumulative = {kind: list(itertools.accumulate(weights)) for kind, weights in samplers.items()}
    kinds, kind_weights = list(DOCUMENT_WEIGHTS), list(DOCUMENT_WEIGHTS.values())
    produced = 0
    while produced < n_sentences:
        kind = rng.choices(kinds, weights=kind_weights)[0]
        if kind == "entity":
            entity_kind = rng.choices(list(ENTITY_KIND_WEIGHTS), weights=list(ENTITY_KIND_WEIGHTS.values()))[0]
            entity = rng.choices(by_kind[entity_kind], cum_weights=cumulative[entity_kind])[0]
            document = _entity_document(rng, world, by_entity[entity])
        elif kind == "scene":
            document = _scene_document(rng, world)
        else:
            document = _everyday_document(rng, world)
        document = document[: n_sentences - produced]
        produced += len(document)
        yield document


def to_dataset(rows: list[tuple[int, Sentence]]) -> Dataset:
    """(doc_id, sentence) pairs -> a Dataset with the documented columns."""
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for doc_id, sentence in rows:
        columns["text"].append(sentence.text)
        columns["doc_id"].append(doc_id)
        columns["kind"].append(sentence.kind)
        columns["word"].append(sentence.word)
        columns["label"].append(sentence.label)
        columns["position"].append(sentence.position)
        columns["distance"].append(sentence.distance)
        columns["attractors"].append(sentence.attractors)
        columns["wrong"].append(sentence.wrong)
        columns["cues"].append(sentence.cues)
    return Dataset.from_dict(columns)


def general_corpus(n_sentences: int, seed: int = 0, validation_fraction: float = 0.05) -> DatasetDict:
    """The general-domain pre-training corpus, split into train/validation by whole documents."""
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be between 0 and 1, got {validation_fraction}")
    split_rng = random.Random(f"split-{seed}")
    rows: dict[str, list[tuple[int, Sentence]]] = {"train": [], "validation": []}
    for doc_id, document in enumerate(generate_documents(n_sentences, seed)):
        split = "validation" if split_rng.random() < validation_fraction else "train"
        rows[split].extend((doc_id, sentence) for sentence in document)
    return DatasetDict({split: to_dataset(r) for split, r in rows.items()})


def unlabelled_reviews(n_reviews: int, seed: int = 0) -> Dataset:
    """Target-domain text for LM fine-tuning: reviews with their verdict sentence, no labels."""
    check_size("n_reviews", n_reviews)
    rng = random.Random(f"unlabelled-reviews-{seed}")
    return Dataset.from_dict({"text": [review(rng, with_verdict=True).text for _ in range(n_reviews)]})
