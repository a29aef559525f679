"""The unlabelled text the course's models pre-train on, and the one word vocabulary they all share.

- ``"general"``: the general-domain micro-world corpus (ULMFiT's stage 1, notebook 02's probes, GloVe, the biLM);
- ``"general+reviews"``: all the unlabelled text there is, general corpus plus unlabelled reviews (notebook 01's
  shared encoder).

One vocabulary, built from all the unlabelled text, so that a model fine-tuned on reviews, a classifier built on
either encoder, GloVe and the biLM's softmax all speak the same ids.
"""

from __future__ import annotations

from ..config import CorpusSizes
from .microworld.corpus import general_corpus, unlabelled_reviews
from .vocab import Vocab

PRETRAINING_TEXTS = ("general", "general+reviews")


def unlabelled_texts(text: str, corpus: CorpusSizes, seed: int = 0) -> tuple[list[str], list[str]]:
    """(training texts, validation texts) for a pre-training text name."""
    if text not in PRETRAINING_TEXTS:
        raise ValueError(f"unknown pre-training text {text!r}; choose one of {', '.join(PRETRAINING_TEXTS)}")
    sentences = general_corpus(corpus.sentences, seed=seed)
    train, validation = list(sentences["train"]["text"]), list(sentences["validation"]["text"])
    if text == "general+reviews":
        train += unlabelled_reviews(corpus.reviews_unlabelled, seed=seed)["text"]
    return train, validation


def review_texts(corpus: CorpusSizes, seed: int = 0) -> tuple[list[str], list[str]]:
    """(training, held-out) unlabelled reviews for ULMFiT's stage 2; the held-out ones come from another seed."""
    train = unlabelled_reviews(corpus.reviews_unlabelled, seed=seed)["text"]
    held_out = unlabelled_reviews(max(100, corpus.reviews_unlabelled // 10), seed=seed + 1)["text"]
    return list(train), list(held_out)


def course_vocab(corpus: CorpusSizes, seed: int = 0) -> Vocab:
    """The one vocabulary of the word-level models: every word seen ``vocab_min_count`` times in the unlabelled text."""
    texts, _ = unlabelled_texts("general+reviews", corpus, seed)
    return Vocab.build(texts, min_count=corpus.vocab_min_count)
