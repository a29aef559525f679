"""Probe sets built from the ground truth: what a pre-trained model should know without any labels.

- ``agreement_pairs``: minimal pairs (the verb after a prefix, in the right and the wrong number),
  balanced over how many phrases stand between subject and verb.
- ``fact_cloze``: each fact in its *held-out* wording (or, to tell memorising from knowing, in one of the wordings
  the corpus does use for it), cut before the value, with every value of that relation as the choices and the
  number of times the corpus states the fact.
- ``sense_occurrences``: every use of an ambiguous word with its recorded sense.
- ``review_polarity``: film reviews (the sentiment task's text) with their first evaluative word and its polarity.
"""

from __future__ import annotations

import random
from collections import Counter

from datasets import Dataset

from . import lexicon
from . import sentences as gen
from .corpus import check_size
from .reviews import review
from .world import World, build_world, value_is_last

MAX_INTERVENERS = 3


def agreement_pairs(n_items: int, seed: int = 0) -> Dataset:
    """Minimal pairs for subject-verb agreement, the same number for each count of interveners (0-3).

    Columns: ``prefix`` (text before the verb), ``good``/``bad`` (verb in the right/wrong number),
    ``number`` of the subject, ``distance`` (tokens from subject to verb), ``interveners``, ``attractors``
    (intervening nouns whose number differs from the subject's), ``text`` (the grammatical sentence).
    """
    check_size("n_items", n_items)
    rng = random.Random(f"agreement-probe-{seed}")
    world = build_world(seed)
    rows = []
    for index in range(n_items):
        interveners = index % (MAX_INTERVENERS + 1)
        sentence = gen.agreement(rng, world, interveners=interveners)
        tokens = sentence.text.split()
        rows.append({
            "prefix": " ".join(tokens[: sentence.position]), "good": sentence.word, "bad": sentence.wrong,
            "number": sentence.label, "distance": sentence.distance, "interveners": interveners,
            "attractors": sentence.attractors, "text": sentence.text,
        })
    return Dataset.from_list(rows)


def review_polarity(n_items: int, seed: int = 0) -> Dataset:
    """Film reviews, half of them with a positive first evaluative word and half with a negative one.

    Columns: ``text`` (a review as the sentiment task has them), ``position`` (of its first evaluative word),
    ``word``, ``polarity`` (of that word on its own: ``"not"`` before it or a ``but`` after it may turn the
    review's label the other way) and ``label`` (the review's sentiment).
    """
    check_size("n_items", n_items)
    rng = random.Random(f"polarity-probe-{seed}")
    polar = {**dict.fromkeys(lexicon.POSITIVE, "positive"), **dict.fromkeys(lexicon.NEGATIVE, "negative")}
    wanted = {"positive": n_items - n_items // 2, "negative": n_items // 2}
    rows = []
    while any(wanted.values()):
        made = review(rng)
        tokens = made.text.split()
        position = next(i for i, token in enumerate(tokens) if token in polar)
        polarity = polar[tokens[position]]
        if wanted[polarity]:
            wanted[polarity] -= 1
            rows.append({"text": made.text, "position": position, "word": tokens[position], "polarity": polarity,
                         "label": made.label})
    return Dataset.from_list(rows)


def fact_mentions(corpus: Dataset) -> Counter:
    """How often each fact (``relation:entity``) is stated in a corpus split."""
    kinds, labels = corpus["kind"], corpus["label"]
    return Counter(label for kind, label in zip(kinds, labels) if kind == "fact")


FACT_WORDINGS = ("held-out", "seen")


def fact_cloze(world: World, corpus: Dataset | None = None, wording: str = "held-out") -> Dataset:
    """One cloze item per fact, in the wording the corpus never uses for that fact (``wording="held-out"``), or in
    one it may use (``"seen"``: a training wording of the fact, the same one on every call).

    Columns: ``prompt`` (text before the value), ``answer``, ``candidates`` (every value of the relation),
    ``relation``, ``entity``, ``mentions`` (statements of the fact in ``corpus``; -1 without one), ``text``.
    """
    if wording not in FACT_WORDINGS:
        raise ValueError(f"unknown fact wording {wording!r}; known: {', '.join(FACT_WORDINGS)}")
    mentions = fact_mentions(corpus) if corpus is not None else None
    rows = []
    for fact in world.facts:
        if wording == "held-out":
            template = world.held_out_template(fact)
        else:  # the cloze cuts before the value, so the wording must end with it
            template = random.Random(f"seen-{fact.fact_id}").choice(
                [t for t in world.training_templates(fact) if value_is_last(t)])
        text = fact.state(template)
        prompt = text.rsplit(f" {fact.value}", 1)[0]
        rows.append({
            "prompt": prompt, "answer": fact.value, "candidates": world.candidates(fact.relation),
            "relation": fact.relation, "entity": fact.entity,
            "mentions": mentions.get(f"{fact.relation}:{fact.entity}", 0) if mentions is not None else -1,
            "text": text,
        })
    return Dataset.from_list(rows)


def sense_occurrences(corpus: Dataset) -> Dataset:
    """Every occurrence of an ambiguous word in ``corpus``, with its sense and token position."""
    senses = corpus.filter(lambda kind: kind == "polysemy", input_columns="kind")
    return senses.select_columns(["text", "word", "label", "position", "cues"]).rename_column("label", "sense")


def held_out_senses(n_items: int, seed: int = 0, cues: int | None = None) -> Dataset:
    """Fresh sense-labelled sentences, balanced over the ambiguous words and their senses.

    Column ``cues`` counts the words of the sense's topic in each sentence (0: the sentence cannot tell); by
    default it varies as in the corpus, ``cues=3`` gives every sentence three."""
    check_size("n_items", n_items)
    rng = random.Random(f"sense-probe-{seed}")
    world = build_world(seed)
    pairs = [(word, sense) for word, senses in lexicon.SENSES.items() for sense in senses]
    rows = []
    for index in range(n_items):
        word, sense = pairs[index % len(pairs)]
        sentence = gen.polysemy(rng, world, word, sense, cues)
        rows.append({"text": sentence.text, "word": word, "sense": sense, "position": sentence.position,
                     "cues": sentence.cues})
    return Dataset.from_list(rows)
