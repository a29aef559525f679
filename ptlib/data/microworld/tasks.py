"""A small benchmark in the spirit of GLUE, built on the micro-world.

| task | like | input | labels |
|---|---|---|---|
| ``sentiment`` | SST-2 | a film review (no verdict sentence) | negative / positive |
| ``acceptability`` | CoLA | one sentence, half with broken agreement | unacceptable / acceptable |
| ``entailment`` | RTE | a fact about a person; a claim that may follow by world knowledge | (not_)entailment |
| ``paraphrase`` | MRPC | a sentence; the same with one noun replaced | not_equivalent / equivalent |

The pair tasks need knowledge that only the unlabelled text holds, so that pre-training can help them:

- *entailment*: "X was born in C" entails "X was born in K" only if the city C lies in the country K (and "X
  studied at U" entails "X studied in C" only if U is in C). The corpus states where each city and university
  lies; the task's input does not. A false claim's K is drawn from the same distribution as the true ones (the
  country of another person's birthplace), so a claim's words alone do not give its label away.
- *paraphrase*: the second sentence replaces one noun by its synonym (equivalent) or by another noun of its
  class, of the same frequency profile (not equivalent). Synonyms are two spellings the corpus uses
  interchangeably; nothing in the input says which pairs they are.

Training sets are deliberately small (the low-data regime is the point). Every split is balanced by construction
(exactly half of each label, odd sizes aside). No text occurs in two splits; the pair tasks go further and split
by what the knowledge is about (entailment by person, paraphrase by noun lexeme), so a test pair's knowledge cannot
be learnt from the training labels.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

from . import lexicon
from . import sentences as gen
from .corpus import check_size
from .reviews import review
from .world import World, build_world

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
# entailment: premise relation -> (the relation that links its value to the claim's, the claim's template)
CHAINS = {"born_in": ("located_in", "{e} was born in {v} ."), "studied_at": ("university_in", "{e} studied in {v} .")}


def _features(task: str, extra: dict[str, Value]) -> Features:
    columns: dict = {"text": Value("string")}
    if task in PAIR_TASKS:
        columns["text_pair"] = Value("string")
    columns["label"] = ClassLabel(names=LABEL_NAMES[task])
    return Features({**columns, **extra})


def _balanced_rows(make: Callable[[int], dict], count: int, seen: set, what: str, rng: random.Random) -> list[dict]:
    """``count`` new rows (by text; ``seen`` is shared across splits), half of each label, in random order."""
    labels = [index % 2 for index in range(count)]
    rng.shuffle(labels)
    rows: list[dict] = []
    attempts = 0
    for label in labels:
        while True:
            attempts += 1
            if attempts > 50 * count + 1000:
                raise ValueError(f"cannot draw {count} distinct {what} examples; ask for fewer")
            row = make(label)
            key = (row["text"], row.get("text_pair"))
            if key not in seen:
                seen.add(key)
                rows.append(row)
                break
    return rows


def _sentiment_maker(rng: random.Random, world: World, split: str, seed: int) -> Callable[[int], dict]:
    def make(label: int) -> dict:
        made = review(rng, positive=bool(label))
        return {"text": made.text, "label": label, "construction": made.word}

    return make


def _acceptability_maker(rng: random.Random, world: World, split: str, seed: int) -> Callable[[int], dict]:
    def make(label: int) -> dict:
        sentence = gen.agreement(rng, world, grammatical=bool(label))
        return {"text": sentence.text, "label": label, "distance": sentence.distance,
                "attractors": sentence.attractors}

    return make


def _pools(items: list[str], seed: int, what: str) -> dict[str, list[str]]:
    """Split ``items`` 60/20/20 so that the splits of a pair task never share one."""
    items = sorted(items)
    random.Random(f"{what}-split-{seed}").shuffle(items)
    cut1, cut2 = int(0.6 * len(items)), int(0.8 * len(items))
    return {"train": items[:cut1], "validation": items[cut1:cut2], "test": items[cut2:]}


def _entailment_maker(rng: random.Random, world: World, split: str, seed: int) -> Callable[[int], dict]:
    facts = world.facts_of()
    value_of = {(f.relation, f.entity): f.value for f in world.facts}
    people = _pools(world.entities["person"], seed, "person")[split]

    def make(label: int) -> dict:
        person = rng.choice(people)
        relation = rng.choice(list(CHAINS))
        premise = next(f for f in facts[person] if f.relation == relation)
        link, claim = CHAINS[premise.relation]
        truth = value_of[(link, premise.value)]
        value = truth
        while label == 1 and value == truth:  # the linked value of another person's premise: same distribution
            other = next(f for f in facts[rng.choice(people)] if f.relation == premise.relation)
            value = value_of[(link, other.value)]
        context = [premise.state(rng.choice(world.training_templates(premise)))]
        distractor = rng.choice([f for f in facts[person] if f.relation not in CHAINS])
        if rng.random() < 0.5:
            context.insert(rng.randrange(2), distractor.state(rng.choice(world.training_templates(distractor))))
        return {"text": " ".join(context), "text_pair": claim.format(e=person, v=value), "label": label,
                "relation": premise.relation, "entity": person}

    return make


def _paraphrase_maker(rng: random.Random, world: World, split: str, seed: int) -> Callable[[int], dict]:
    synonyms = world.synonyms()
    two_spellings = [lexeme[0] for lexemes in world.nouns.values() for lexeme in lexemes if len(lexeme) == 2]
    pool = set(_pools(two_spellings, seed, "lexeme")[split])
    classes = {spelling: name for name in lexicon.NOUN_CLASSES for spelling in world.class_members(name)}
    # a class needs two of this split's lexemes, or a non-equivalent replacement could never be drawn
    per_class = Counter(classes[lexeme] for lexeme in pool)
    usable = [name for name in lexicon.NOUN_CLASSES if name != "person" and per_class[name] >= 2]
    if not usable:
        raise ValueError(f"the {split} split has no noun class with two synonym lexemes: a paraphrase pair cannot "
                         "be made; give the world more nouns (WorldSizes.nouns_per_class, synonym_share)")

    def draw(noun_class: str) -> tuple[str, ...]:
        while True:  # the world's own frequency profile, restricted to this split's lexemes
            lexeme = world.draw(f"noun:{noun_class}", rng)
            if len(lexeme) == 2 and lexeme[0] in pool:
                return lexeme

    def make(label: int) -> dict:
        noun_class = rng.choice(usable)
        lexeme = draw(noun_class)
        word = rng.choice(lexeme)
        replacement = synonyms[word]
        while label == 0 and replacement in lexeme:
            replacement = rng.choice(draw(noun_class))
        first, position = gen.with_object(rng, world, noun_class, lexeme[0], word)
        tokens = first.split()
        second = " ".join([*tokens[:position], replacement, *tokens[position + 1:]])
        return {"text": first, "text_pair": second, "label": label, "relation": classes[word], "entity": lexeme[0]}

    return make


MAKERS = {"sentiment": _sentiment_maker, "acceptability": _acceptability_maker, "entailment": _entailment_maker,
          "paraphrase": _paraphrase_maker}


def load_task(task: str, train_size: int, validation_size: int, test_size: int, seed: int = 0,
              world: World | None = None) -> DatasetDict:
    """One benchmark task as a ``DatasetDict`` with train/validation/test splits."""
    if task not in LABEL_NAMES:
        raise ValueError(f"unknown micro-world task {task!r}; known: {', '.join(LABEL_NAMES)}")
    sizes = {"train": check_size("train_size", train_size),
             "validation": check_size("validation_size", validation_size),
             "test": check_size("test_size", test_size)}
    world = world or build_world(seed)
    seen: set = set()
    splits = {}
    # Generate test first so its examples are fixed whatever the training size.
    for split in ("test", "validation", "train"):
        rng = random.Random(f"task-{task}-{split}-{seed}")
        rows = _balanced_rows(MAKERS[task](rng, world, split, seed), sizes[split], seen, task, rng)
        columns = {name: [row[name] for row in rows] for name in rows[0]}
        splits[split] = Dataset.from_dict(columns, features=_features(task, GROUND_TRUTH_COLUMNS[task]))
    return DatasetDict({split: splits[split] for split in SPLITS})


def rule_based_sentiment(review: str) -> int:
    """The label a reader who understands negation and contrast gives a review (1 positive, 0 negative).

    It finds the deciding clause (the one after "but", or after the comma of an "although" clause),
    takes its polar word's polarity and flips it on "not". Used as the ceiling that a bag of words
    cannot reach.
    """
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
