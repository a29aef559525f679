"""The run mode: one switch that sets every size in the collection.

``PTLIB_MODE=quick`` is for tests and CI (each notebook in about a minute);
``PTLIB_MODE=full`` (the default) is lecture quality (a few minutes per notebook
on a laptop CPU). Notebooks read every size from :func:`sizes`, never from
literals of their own, so the two modes differ in one place only.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

MODE_VARIABLE = "PTLIB_MODE"
MODES = ("quick", "full")
DEFAULT_MODE = "full"


class RunModeError(ValueError):
    """Raised when ``PTLIB_MODE`` holds something other than a known mode."""


@dataclass(frozen=True)
class Sizes:
    """Every size a notebook uses, for one run mode."""

    mode: str
    # the generated general-domain corpus (pre-training text)
    corpus_sentences: int
    # the target domain: unlabelled reviews for LM fine-tuning, and the labelled split sizes
    reviews_unlabelled: int
    task_train: int
    task_validation: int
    task_test: int
    # probe sets
    probe_items: int
    # a small recurrent language model
    lm_embedding: int
    lm_hidden: int
    lm_layers: int
    lm_epochs: int
    lm_batch_size: int
    lm_bptt: int
    lm_lr: float
    # classifiers trained on the labelled tasks: a budget of optimiser steps, so that a run on 1000 labels
    # costs no more than one on 16 (small sets are seen for more epochs)
    classifier_steps: int
    classifier_batch_size: int
    seeds: int
    # ULMFiT (notebook 03): epochs of target-domain LM fine-tuning, classifier steps per unfreezing stage
    lm_finetune_epochs: int
    ulmfit_steps_per_stage: int
    # GloVe global vectors (ptlib.glove): width, passes over the co-occurrence entries, entries per step
    glove_dim: int
    glove_epochs: int
    glove_batch_size: int
    # ELMo's biLM (ptlib.bilm, ptlib.elmo): width per direction and layer, passes over the corpus, sentences
    # per batch, peak learning rate (decayed linearly)
    bilm_dim: int
    bilm_epochs: int
    bilm_batch_size: int
    bilm_lr: float


QUICK = Sizes(
    mode="quick",
    corpus_sentences=12_000,
    reviews_unlabelled=2_000,
    task_train=256,
    task_validation=200,
    task_test=400,
    probe_items=200,
    lm_embedding=64,
    lm_hidden=128,
    lm_layers=1,
    lm_epochs=2,
    lm_batch_size=16,
    lm_bptt=32,
    lm_lr=8e-3,  # peak rate, decayed linearly over training (ptlib.pretrained)
    classifier_steps=60,
    classifier_batch_size=16,
    seeds=1,
    lm_finetune_epochs=1,
    ulmfit_steps_per_stage=20,
    glove_dim=50,
    glove_epochs=25,
    glove_batch_size=1_024,
    bilm_dim=32,
    bilm_epochs=2,
    bilm_batch_size=64,
    bilm_lr=1e-2,
)

# Measured in benchmarks/lm_claims.py: with about a million tokens and three epochs, one LSTM layer learns
# agreement and facts as well as two in half the time, so the full mode uses one.
FULL = Sizes(
    mode="full",
    corpus_sentences=80_000,
    reviews_unlabelled=10_000,
    task_train=1_000,
    task_validation=500,
    task_test=1_000,
    probe_items=1_000,
    lm_embedding=128,
    lm_hidden=256,
    lm_layers=1,
    lm_epochs=3,
    lm_batch_size=16,
    lm_bptt=32,
    lm_lr=8e-3,  # peak rate, decayed linearly over training (ptlib.pretrained)
    classifier_steps=250,
    classifier_batch_size=16,
    seeds=3,
    lm_finetune_epochs=2,
    ulmfit_steps_per_stage=80,
    # 50 dimensions (the smallest published GloVe) beat 100 on this corpus (2,200 word types): 69% of a class
    # word's 5 nearest words are in its class, against 56% (benchmarks/neighbours.py)
    glove_dim=50,
    glove_epochs=50,
    glove_batch_size=4_096,
    bilm_dim=64,
    bilm_epochs=2,
    bilm_batch_size=64,
    bilm_lr=1e-2,
)

_BY_MODE = {sizes.mode: sizes for sizes in (QUICK, FULL)}


def mode() -> str:
    """The current run mode, read from ``PTLIB_MODE`` (default ``full``)."""
    value = os.environ.get(MODE_VARIABLE, DEFAULT_MODE).strip().lower() or DEFAULT_MODE
    if value not in _BY_MODE:
        raise RunModeError(
            f"{MODE_VARIABLE}={os.environ.get(MODE_VARIABLE)!r} is not a run mode. "
            f"Use one of {', '.join(MODES)} (for example `export {MODE_VARIABLE}=quick`), "
            f"or unset it for the default ({DEFAULT_MODE!r})."
        )
    return value


def sizes(mode_name: str | None = None, **overrides: float) -> Sizes:
    """The sizes for ``mode_name`` (default: the current mode), with optional overrides.

    >>> sizes("quick").lm_epochs
    2
    """
    name = mode() if mode_name is None else mode_name
    if name not in _BY_MODE:
        raise RunModeError(f"{name!r} is not a run mode; use one of {', '.join(MODES)}.")
    base = _BY_MODE[name]
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(Sizes)})
    if unknown:
        raise TypeError(f"unknown size name(s) {unknown}; known: {[f.name for f in dataclasses.fields(Sizes)]}")
    return dataclasses.replace(base, **overrides)
