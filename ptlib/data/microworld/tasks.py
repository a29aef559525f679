"""A small benchmark in the spirit of GLUE, built on the micro-world.

| task | like | input | labels |
|---|---|---|---|
| ``sentiment`` | SST-2 | a film review (no verdict sentence) | negative / positive |
| ``acceptability`` | CoLA | one sentence, half with broken agreement | unacceptable / acceptable |
| ``entailment`` | RTE | facts about an entity; a claim about it | entailment / not_entailment |
| ``paraphrase`` | MRPC | two statements | not_equivalent / equivalent |

Training sets are deliberately small (the low-data regime is the point). No text occurs in two
splits; the pair tasks go further and split by entity, so a test pair is about an entity (its
``entity`` column) that no training pair is about.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

from . import sentences as gen
from .corpus import check_size
from .world import Fact, World, build_world

LABEL_NAMES = {
    "sentiment": ["negative", "positive"],
    "acceptability": ["unacceptable", "acceptable"],
    "entailment": ["entailment", "not_entailment"],
    "paraphrase": ["not_equivalent", "equivalent"],
}
PAIR_TASKS = ("entailment", "paraphrase")
# Columns beyond text/label that record how each example was made, for analysis by construction.
GROUND_TRUTH_COLUMNS = {
    "sentiment": {"construction": Value("string")},
    "acceptability": {"distance": Value("int32"), "attractors": Value("int32")},
    "entailment": {"relation": Value("string"), "entity": Value("string")},
    "paraphrase": {"relation": Value("string"), "entity": Value("string")},
}
SPLITS = ("train", "validation", "test")


def _features(task: str, extra: dict[str, Value]) -> Features:
    columns: dict = {"text": Value("string")}
    if task in PAIR_TASKS:
        columns["text_pair"] = Value("string")
    columns["label"] = ClassLabel(names=LABEL_NAMES[task])
    return Features({**columns, **extra})


def _unique_rows(make: Callable[[], dict], count: int, seen: set, what: str) -> list[dict]:
    """Draw rows until ``count`` new ones (by text) exist; ``seen`` is shared across splits."""
    rows: list[dict] = []
    attempts = 0
    while len(rows) < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise ValueError(f"cannot draw {count} distinct {what} examples; ask for fewer")
        row = make()
        key = (row["text"], row.get("text_pair"))
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def _sentiment_maker(rng: random.Random) -> Callable[[], dict]:
    def make() -> dict:
        positive = rng.random() < 0.5
        review = gen.review(rng, positive=positive)
        return {"text": review.text, "label": int(positive), "construction": review.word}

    return make


def _acceptability_maker(rng: random.Random) -> Callable[[], dict]:
    def make() -> dict:
        grammatical = rng.random() < 0.5
        sentence = gen.agreement(rng, grammatical=grammatical)
        return {"text": sentence.text, "label": int(grammatical), "distance": sentence.distance,
                "attractors": sentence.attractors}

    return make


def _entity_pools(world: World, seed: int) -> dict[str, list[str]]:
    """Split the entities that have facts 60/20/20 so pair-task splits never share an entity."""
    entities = sorted({fact.entity for fact in world.facts})
    random.Random(f"entity-split-{seed}").shuffle(entities)
    cut1, cut2 = int(0.6 * len(entities)), int(0.8 * len(entities))
    return {"train": entities[:cut1], "validation": entities[cut1:cut2], "test": entities[cut2:]}


def _other_value(rng: random.Random, world: World, fact: Fact) -> str:
    return rng.choice([v for v in world.candidates(fact.relation) if v != fact.value])


def _pair_maker(task: str, rng: random.Random, split: str, world: World,
                pools: dict[str, list[str]]) -> Callable[[], dict]:
    by_entity: dict[str, list[Fact]] = {}
    for fact in world.facts:
        by_entity.setdefault(fact.entity, []).append(fact)
    entities = pools[split]

    def make() -> dict:
        entity = rng.choice(entities)
        facts = by_entity[entity]
        claim = rng.choice(facts)
        first, second = rng.sample(world.training_templates(claim), 2)
        positive = rng.random() < 0.5
        value = claim.value if positive else _other_value(rng, world, claim)
        stated = Fact(claim.fact_id, claim.relation, claim.entity, value, claim.popularity)
        if task == "entailment":
            context = [claim.state(first)]
            if len(facts) > 1 and rng.random() < 0.6:  # a distractor fact about the same entity
                extra = rng.choice([f for f in facts if f is not claim])
                context.insert(rng.randrange(2), extra.state(rng.choice(world.training_templates(extra))))
            label = 0 if positive else 1
            return {"text": " ".join(context), "text_pair": stated.state(second), "label": label,
                    "relation": claim.relation, "entity": claim.entity}
        return {"text": claim.state(first), "text_pair": stated.state(second), "label": int(positive),
                "relation": claim.relation, "entity": claim.entity}

    return make


def load_task(task: str, train_size: int, validation_size: int, test_size: int, seed: int = 0,
              world: World | None = None) -> DatasetDict:
    """One benchmark task as a ``DatasetDict`` with train/validation/test splits."""
    if task not in LABEL_NAMES:
        raise ValueError(f"unknown micro-world task {task!r}; known: {', '.join(LABEL_NAMES)}")
    sizes = {"train": check_size("train_size", train_size),
             "validation": check_size("validation_size", validation_size),
             "test": check_size("test_size", test_size)}
    world = world or build_world(seed)
    pools = _entity_pools(world, seed)
    seen: set = set()
    splits = {}
    # Generate test first so its examples are fixed whatever the training size.
    for split in ("test", "validation", "train"):
        rng = random.Random(f"task-{task}-{split}-{seed}")
        if task == "sentiment":
            make = _sentiment_maker(rng)
        elif task == "acceptability":
            make = _acceptability_maker(rng)
        else:
            make = _pair_maker(task, rng, split, world, pools)
        rows = _unique_rows(make, sizes[split], seen, task)
        columns = {name: [row[name] for row in rows] for name in rows[0]}
        splits[split] = Dataset.from_dict(columns, features=_features(task, GROUND_TRUTH_COLUMNS[task]))
    return DatasetDict({split: splits[split] for split in SPLITS})


def rule_based_sentiment(review: str) -> int:
    """The label a reader who understands negation and contrast gives a review (1 positive, 0 negative).

    It finds the deciding clause (the one after "but", or after the comma of an "although" clause),
    takes its polar word's polarity and flips it on "not". Used as the ceiling that a bag of words
    cannot reach.
    """
    from . import lexicon

    sentences = [s for s in review.split(" . ") if any(w in lexicon.POSITIVE + lexicon.NEGATIVE for w in s.split())]
    if len(sentences) != 1:
        raise ValueError(f"expected exactly one evaluative sentence in {review!r}")
    clause = sentences[0]
    if " but " in clause:
        clause = clause.split(" but ")[1]
    elif clause.startswith("although ") or " although " in clause:
        clause = clause.split(" , ", 1)[1]
    words = clause.split()
    polar = next(w for w in words if w in lexicon.POSITIVE or w in lexicon.NEGATIVE)
    return int((polar in lexicon.POSITIVE) != ("not" in words))
