"""The front door to every dataset in the course: one name, one call, the same schema.

The default data is the generated micro-world (offline, with ground truth). Real corpora are one name
away for anyone online (``wikitext-2``, ``imdb``, ``sst2`` ...): see :mod:`ptlib.data.real`.

- ``load_corpus``: ``microworld``, ``wikitext-2``, ``wikitext-103`` -> ``DatasetDict`` with a ``text`` column
- ``load_task``: ``sentiment``, ``acceptability``, ``entailment``, ``paraphrase`` (generated) and
  ``imdb``, ``sst2``, ``cola``, ``rte``, ``mrpc`` (real) -> ``DatasetDict`` train/validation/test with
  ``text`` (and ``text_pair`` for pair tasks) and a ``label`` ClassLabel
- ``load_probe``: ``agreement``, ``facts``, ``senses`` -> ``Dataset``
- ``unlabelled_texts``, ``review_texts``, ``course_vocab``: what the pre-trained models read, and the one word
  vocabulary they share (:mod:`.unlabelled`)

The package also holds the tokenisers (:mod:`.vocab`, :mod:`.wordpiece`), the biLM's character input
(:mod:`.characters`) and batching (:mod:`.batching`).
"""

from __future__ import annotations

import difflib

import datasets
from datasets import Dataset, DatasetDict

from .. import config
from .microworld import corpus as microworld_corpus
from .microworld import probes, tasks
from .microworld.world import build_world
from .unlabelled import PRETRAINING_TEXTS, course_vocab, interleave_documents, review_texts, unlabelled_texts

__all__ = ["GENERATED_CORPORA", "GENERATED_TASKS", "PRETRAINING_TEXTS", "PROBES", "REAL_CORPORA", "REAL_TASKS",
           "UnknownNameError", "course_vocab", "load_corpus", "load_probe", "load_task", "load_unlabelled_reviews",
           "interleave_documents", "review_texts", "unlabelled_texts"]

GENERATED_CORPORA = ("microworld",)
REAL_CORPORA = ("wikitext-2", "wikitext-103")
GENERATED_TASKS = tuple(tasks.LABEL_NAMES)
REAL_TASKS = ("imdb", "sst2", "cola", "rte", "mrpc")
PROBES = ("agreement", "facts", "senses")

# On data this size every .map/.filter takes milliseconds: their progress bars would only clutter the
# notebooks. Training loops keep theirs. (datasets.enable_progress_bars() brings them back.)
datasets.disable_progress_bars()


class UnknownNameError(ValueError):
    """A dataset name that the course does not know."""


def _check_name(kind: str, name: str, known: tuple[str, ...]) -> None:
    if name in known:
        return
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownNameError(f"unknown {kind} {name!r}.{hint} Known {kind} names: {', '.join(known)}.")


def load_corpus(name: str = "microworld", n_sentences: int | None = None, seed: int = 0) -> DatasetDict:
    """Pre-training text. The micro-world's size defaults to the run mode's ``corpus.sentences``."""
    _check_name("corpus", name, GENERATED_CORPORA + REAL_CORPORA)
    if name in REAL_CORPORA:
        from .real import load_real

        return load_real(name, seed=seed)
    size = config.sizes().corpus.sentences if n_sentences is None else n_sentences
    return microworld_corpus.general_corpus(size, seed=seed)


def load_unlabelled_reviews(n_reviews: int | None = None, seed: int = 0) -> Dataset:
    """Target-domain text (film reviews ending in a verdict) for fine-tuning a language model."""
    size = config.sizes().corpus.reviews_unlabelled if n_reviews is None else n_reviews
    return microworld_corpus.unlabelled_reviews(size, seed=seed)


def load_task(name: str, train_size: int | None = None, seed: int = 0) -> DatasetDict:
    """A labelled task with train/validation/test splits (sizes from the run mode unless given)."""
    _check_name("task", name, GENERATED_TASKS + REAL_TASKS)
    if name in REAL_TASKS:
        from .real import load_real

        return load_real(name, seed=seed)
    sizes = config.sizes().tasks
    return tasks.load_task(name, sizes.train if train_size is None else train_size, sizes.validation, sizes.test,
                           seed=seed)


def load_probe(name: str, corpus: Dataset | None = None, n_items: int | None = None, seed: int = 0,
               wording: str = "held-out") -> Dataset:
    """A probe set. ``facts`` counts mentions in ``corpus``; ``senses`` lists the occurrences in
    ``corpus`` when one is given, else fresh held-out sentences. ``corpus`` is one split (a ``Dataset``).
    ``wording`` is for ``facts`` only: ``"held-out"`` (the wording the corpus never uses for the fact) or ``"seen"``."""
    _check_name("probe", name, PROBES)
    if corpus is not None and not isinstance(corpus, Dataset):
        hint = ": pass one split, e.g. corpus['train']" if isinstance(corpus, DatasetDict) else ""
        raise TypeError(f"corpus must be a Dataset of the micro-world corpus{hint}; got {type(corpus).__name__}")
    if wording != "held-out" and name != "facts":
        raise ValueError(f"wording= is for the facts probe only, not {name!r}")
    size = config.sizes().tasks.probe_items if n_items is None else n_items
    if name == "agreement":
        return probes.agreement_pairs(size, seed=seed)
    if name == "facts":
        return probes.fact_cloze(build_world(seed), corpus, wording)
    return probes.sense_occurrences(corpus) if corpus is not None else probes.held_out_senses(size, seed=seed)
