"""What the tasks need to know, read from a pre-trained model without any fine-tuning.

Fine-tuning can only use knowledge the model has. Three of the tasks need one piece of it per example, and each
can be read off the model directly:

- *acceptability*: whether each verb agrees with its subject. Score the sentence and every copy of it with one verb
  form swapped for its other number (*is* / *are*, *eats* / *eat*) with the language model; a reader that calls the
  sentence acceptable exactly when no swap scores higher needs no labels at all.
- *entailment*: the fact that links the premise's value to the claim's ("X was born in C" entails "X was born in K"
  exactly when the city C lies in the country K). Ask the model the linking fact as a cloze; a reader that answers
  "entailment" exactly when the model's answer is the claim's value solves the task as far as the model knows the
  facts, and guesses the rest.
- *paraphrase*: whether the one word that differs between the sentences was replaced by its synonym. Compare the
  two words' input vectors: synonyms used interchangeably in the corpus should have close vectors. One threshold on
  their cosine, fitted on the training pairs, is the reader.

If a reader scores near chance, the knowledge is not in the model, and no fine-tuning recipe can find it. If it
scores well while fine-tuning stays at chance, the knowledge is there and the labels did not lead to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from tokenizers import Tokenizer

from ..data.microworld import lexicon
from ..data.microworld.tasks import CHAINS
from ..data.microworld.world import World

ENTAILMENT, NOT_ENTAILMENT = 0, 1  # the entailment task's label ids


def linking_facts(world: World, relations: Sequence[str], entities: Sequence[str]) -> list[tuple[str, str]]:
    """For each entailment pair, by its premise's ``relation`` and ``entity``: the (relation, entity) of the fact
    that links the premise's value to the claim's, e.g. ("located_in", the city the person was born in)."""
    value_of = {(fact.relation, fact.entity): fact.value for fact in world.facts}
    return [(CHAINS[relation][0], value_of[(relation, entity)]) for relation, entity in zip(relations, entities)]


def claim_values(claims: Sequence[str], candidates: Sequence[Sequence[str]]) -> list[str]:
    """The value each claim ends with ("X was born in K ." -> K), checked against the relation's candidates."""
    values = []
    for claim, options in zip(claims, candidates):
        words = claim.split()
        value = words[-2] if words[-1] == "." else words[-1]
        if value not in options:
            raise ValueError(f"the claim {claim!r} does not end with one of its relation's values")
        values.append(value)
    return values


def entailment_reader(answers: Sequence[str], claimed: Sequence[str]) -> list[int]:
    """The label a reader gives who trusts the model: entailment where the model's answer to the linking fact is the
    claim's value, not entailment elsewhere."""
    return [ENTAILMENT if answer == value else NOT_ENTAILMENT for answer, value in zip(answers, claimed)]


def swapped_words(text: str, text_pair: str) -> tuple[str, str]:
    """The one word (by whitespace) where a paraphrase pair's sentences differ: (the first's, the second's)."""
    first, second = text.split(), text_pair.split()
    differing = [(a, b) for a, b in zip(first, second) if a != b]
    if len(first) != len(second) or len(differing) != 1:
        raise ValueError(f"expected two sentences of equal length that differ in one word: {text!r} / {text_pair!r}")
    return differing[0]


@torch.no_grad()
def word_cosines(embeddings: torch.Tensor, tokenizer: Tokenizer,
                 pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """For each (word, word): the cosine of their input vectors (each word the mean of its word pieces' rows of
    ``embeddings``), and whether both words are single word pieces."""
    def vector(word: str) -> tuple[torch.Tensor, int]:
        ids = tokenizer.encode(word, add_special_tokens=False).ids
        return embeddings[ids].mean(0), len(ids)

    cosines, whole = [], []
    for a, b in pairs:
        (u, pieces_a), (v, pieces_b) = vector(a), vector(b)
        cosines.append(torch.nn.functional.cosine_similarity(u, v, dim=0).item())
        whole.append(pieces_a == 1 and pieces_b == 1)
    return np.array(cosines), np.array(whole)


def threshold_reader(train_scores: Sequence[float], train_labels: Sequence[int],
                     test_scores: Sequence[float]) -> np.ndarray:
    """Label 1 above a threshold, 0 at or below it: the threshold (among the training scores, or below them all)
    that labels the most training pairs right. The test pairs' labels."""
    scores, labels = np.asarray(train_scores, dtype=float), np.asarray(train_labels)
    if len(scores) == 0 or len(scores) != len(labels):
        raise ValueError(f"need as many training labels as scores, and some: got {len(scores)} and {len(labels)}")
    thresholds = np.concatenate([[scores.min() - 1.0], np.unique(scores)])
    right = [(np.where(scores > threshold, 1, 0) == labels).sum() for threshold in thresholds]
    return np.where(np.asarray(test_scores, dtype=float) > thresholds[int(np.argmax(right))], 1, 0)


def corpus_counts(words: Sequence[str], counts: Mapping[str, int]) -> np.ndarray:
    """How often each word occurs in the corpus (0 for one it never uses)."""
    return np.array([counts.get(word, 0) for word in words])


def number_twins(world: World) -> dict[str, str]:
    """Every verb form that agrees with its subject -> the same verb in the other number (*is* <-> *are*, *was*
    <-> *were*, *does* <-> *do*, *eats* <-> *eat*, for the world's every verb)."""
    pairs = [*lexicon.COPULA.values(), *lexicon.AUXILIARY.values(),
             *((verb.form("present", False), verb.form("present", True)) for verbs in world.verbs.values()
               for verb in verbs)]
    return {**{a: b for a, b in pairs if a != b}, **{b: a for a, b in pairs if a != b}}


def number_swaps(text: str, twins: Mapping[str, str]) -> list[str]:
    """Copies of ``text`` with one verb form swapped for its other number, one copy per such word (the first word,
    the subject's determiner, is never one)."""
    words = text.split()
    return [" ".join([*words[:i], twins[word], *words[i + 1:]]) for i, word in enumerate(words)
            if i > 0 and word in twins]


def acceptability_reader(scores: Sequence[float], swap_scores: Sequence[Sequence[float]]) -> np.ndarray:
    """1 (acceptable) where a sentence's score is at least that of each of its number swaps, else 0; a sentence
    without swaps is acceptable."""
    if len(scores) != len(swap_scores):
        raise ValueError(f"need the swaps' scores of every sentence: got {len(scores)} and {len(swap_scores)}")
    return np.array([int(all(score >= other for other in others)) for score, others in zip(scores, swap_scores)])
