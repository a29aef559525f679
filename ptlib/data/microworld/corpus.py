"""Assemble generated sentences into documents and ``datasets`` objects.

The general-domain corpus is a sequence of documents (so that "the next sentence" means something):

- *entity* documents state facts about one invented entity, chosen by its Zipf popularity;
- *scene* documents use one ambiguous word in one sense a few times;
- *everyday* documents mix agreement sentences, evaluations, class sentences and neutral filler.

Columns of every sentence table: ``text``, ``doc_id``, ``kind`` and the ground truth ``word``,
``label``, ``position`` (see :mod:`.sentences`), plus ``distance`` and ``attractors`` for agreement.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from datasets import Dataset, DatasetDict

from ...arguments import whole_number
from . import sentences as gen
from .sentences import Sentence
from .world import World, build_world

DOCUMENT_WEIGHTS = {"entity": 0.3, "scene": 0.12, "everyday": 0.58}
EVERYDAY_WEIGHTS = {"agreement": 0.4, "evaluation": 0.25, "class": 0.12, "filler": 0.23}
COLUMNS = ("text", "doc_id", "kind", "word", "label", "position", "distance", "attractors")


def check_size(name: str, value: int) -> int:
    """Sizes must be positive integers (numpy's too): say so clearly instead of returning an empty corpus."""
    if (whole := whole_number(value)) is None:
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if whole <= 0:
        raise ValueError(f"{name} must be positive, got {whole}")
    return whole


def _entity_document(rng: random.Random, world: World, entity_facts: dict[str, list],
                     entities: list[str], weights: list[float]) -> list[Sentence]:
    entity = rng.choices(entities, weights=weights)[0]
    facts = entity_facts[entity]
    return [gen.fact(rng, world, rng.choice(facts)) for _ in range(rng.randint(2, 4))]


def _scene_document(rng: random.Random) -> list[Sentence]:
    first = gen.polysemy(rng)
    rest = [gen.polysemy(rng, first.word, first.label) for _ in range(rng.randint(1, 3))]
    return [first, *rest]


def _everyday_document(rng: random.Random, world: World) -> list[Sentence]:
    makers: dict[str, Callable[[], Sentence]] = {
        "agreement": lambda: gen.agreement(rng),
        "evaluation": lambda: gen.evaluation(rng),
        "class": lambda: gen.class_member(rng, world),
        "filler": lambda: gen.filler(rng, world),
    }
    kinds = rng.choices(list(makers), weights=list(EVERYDAY_WEIGHTS.values()), k=rng.randint(3, 6))
    return [makers[kind]() for kind in kinds]


def generate_documents(n_sentences: int, seed: int = 0, world: World | None = None) -> Iterator[list[Sentence]]:
    """Yield documents (lists of sentences) until ``n_sentences`` sentences have been produced."""
    check_size("n_sentences", n_sentences)
    world = world or build_world(seed)
    rng = random.Random(f"corpus-{seed}")
    entity_facts: dict[str, list] = {}
    for fact in world.facts:
        entity_facts.setdefault(fact.entity, []).append(fact)
    entities = list(entity_facts)
    weights = [entity_facts[e][0].popularity for e in entities]
    kinds, kind_weights = list(DOCUMENT_WEIGHTS), list(DOCUMENT_WEIGHTS.values())
    produced = 0
    while produced < n_sentences:
        kind = rng.choices(kinds, weights=kind_weights)[0]
        if kind == "entity":
            document = _entity_document(rng, world, entity_facts, entities, weights)
        elif kind == "scene":
            document = _scene_document(rng)
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
    return Dataset.from_dict({"text": [gen.review(rng, with_verdict=True).text for _ in range(n_reviews)]})
