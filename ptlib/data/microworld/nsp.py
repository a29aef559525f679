"""Sentence pairs for next-sentence prediction (BERT's second pre-training task), from the corpus's documents.

Half the pairs are a sentence and the one that follows it in its document (``is_next``); the other half pair a
sentence with one that does not follow it (``not_next``). Where that one comes from decides what the task teaches:

- ``random``: a sentence of another document, as in BERT. Told apart mostly by topic: different entities,
  different kinds of text.
- ``same_document``: a sentence of the same document that is not the next one (an earlier one, or one further on).
  Same topic, same entity: only the order and coherence of the text can tell.

BERT's "sentences" are spans of text, as long as fit: with ``span`` above 1, segment A is up to ``span``
consecutive sentences and B the (up to) ``span`` sentences that follow them, or as many from where a negative
starts. The longer-sequence phase at the end of pre-training uses such spans.
"""

from __future__ import annotations

import random

from datasets import ClassLabel, Dataset, Features, Value

from .corpus import check_size

NSP_LABELS = ["is_next", "not_next"]  # 0 = is_next, as in BERT's next_sentence_label
NEGATIVES = ("random", "same_document")


def next_sentence_pairs(corpus: Dataset, n_pairs: int, negatives: str = "random", seed: int = 0,
                        span: int = 1) -> Dataset:
    """``n_pairs`` balanced pairs (columns ``text``, ``text_pair``, ``label``) from a corpus split's documents, each
    segment up to ``span`` consecutive sentences."""
    check_size("n_pairs", n_pairs)
    check_size("span", span)
    if negatives not in NEGATIVES:
        raise ValueError(f"unknown negatives {negatives!r}; choose one of {', '.join(NEGATIVES)}")
    documents: dict[int, list[str]] = {}
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        documents.setdefault(doc_id, []).append(text)
    # A positive needs two sentences; a same-document negative needs a third that does not follow the first.
    usable = [d for d in documents.values() if len(d) >= (3 if negatives == "same_document" else 2)]
    if len(usable) < 2:
        raise ValueError("the corpus has too few documents of several sentences to make sentence pairs")
    rng = random.Random(f"nsp-{negatives}-{seed}" + (f"-span{span}" if span > 1 else ""))
    labels = [index % 2 for index in range(n_pairs)]
    rng.shuffle(labels)
    rows = {"text": [], "text_pair": [], "label": []}
    for label in labels:
        document = rng.choice(usable)
        first = rng.randrange(len(document) - 1)  # the last sentence of segment A
        if label == 0:
            other, start = document, first + 1
        elif negatives == "random":
            other = document
            while other is document:
                other = rng.choice(usable)
            start = rng.randrange(len(other))
        else:
            other, start = document, rng.choice([i for i in range(len(document)) if i not in (first, first + 1)])
        rows["text"].append(" ".join(document[max(0, first + 1 - span):first + 1]))
        rows["text_pair"].append(" ".join(other[start:start + span]))
        rows["label"].append(label)
    features = Features({"text": Value("string"), "text_pair": Value("string"), "label": ClassLabel(names=NSP_LABELS)})
    return Dataset.from_dict(rows, features=features)


def text_documents(texts: list[str], first_doc_id: int = 0) -> Dataset:
    """One document per text (a review, say), split into its sentences at the corpus's sentence ends (" . "):
    columns ``text`` and ``doc_id``, as :func:`next_sentence_pairs` reads them."""
    rows: dict[str, list] = {"text": [], "doc_id": []}
    for offset, text in enumerate(texts):
        for sentence in text.replace(" . ", " .\n").splitlines():
            rows["text"].append(sentence.strip())
            rows["doc_id"].append(first_doc_id + offset)
    return Dataset.from_dict(rows)
