"""The unlabelled text the course's models pre-train on, and the one word vocabulary they all share.

- ``"general"``: the general-domain micro-world corpus (ULMFiT's stage 1, notebook 02's probes, GloVe, the biLM);
- ``"general+reviews"``: all the unlabelled text there is, general corpus plus unlabelled reviews (notebook 01's
  shared encoder), the reviews spread evenly between the general documents, as a pre-training corpus is mixed.
  Appended at the end instead, they taught the course's LSTM LM (adaptive softmax, full mode) nothing about how a
  review's verdict follows its sentiment: it preferred the verdict that matches the review ("overall i would
  recommend" / "... not") for 0.51 of 500 test reviews, and sentiment classifiers fine-tuned from it stayed at
  chance (0.50 for two seeds, 1,000 labels). Spread out: 0.99, and the classifiers 1.000 and 0.995.

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
        train = interleave_documents(train, list(sentences["train"]["doc_id"]),
                                     list(unlabelled_reviews(corpus.reviews_unlabelled, seed=seed)["text"]))
    return train, validation


def interleave_documents(sentences: list[str], doc_ids: list[int], inserts: list[str]) -> list[str]:
    """``sentences`` (in document order) with ``inserts`` spread evenly between whole documents, in their order:
    insert ``k`` of ``n`` goes before document ``ceil(k * documents / n)``, so never inside a document."""
    starts = [i for i, doc_id in enumerate(doc_ids) if i == 0 or doc_id != doc_ids[i - 1]]
    ends = starts[1:] + [len(sentences)]
    placed: list[list[str]] = [[] for _ in starts]  # the inserts that go before each document
    for k, insert in enumerate(inserts):
        placed[min(-(-k * len(starts) // len(inserts)), len(starts) - 1)].append(insert)
    mixed: list[str] = []
    for before, start, end in zip(placed, starts, ends):
        mixed += before + sentences[start:end]
    return mixed


def review_texts(corpus: CorpusSizes, seed: int = 0) -> tuple[list[str], list[str]]:
    """(training, held-out) unlabelled reviews for ULMFiT's stage 2; the held-out ones come from another seed."""
    train = unlabelled_reviews(corpus.reviews_unlabelled, seed=seed)["text"]
    held_out = unlabelled_reviews(max(100, corpus.reviews_unlabelled // 10), seed=seed + 1)["text"]
    return list(train), list(held_out)


def course_vocab(corpus: CorpusSizes, seed: int = 0) -> Vocab:
    """The one vocabulary of the word-level models: every word seen ``vocab_min_count`` times in the unlabelled text."""
    texts, _ = unlabelled_texts("general+reviews", corpus, seed)
    return Vocab.build(texts, min_count=corpus.vocab_min_count)
