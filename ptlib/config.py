"""The run mode, and the configuration of every corpus, model and training recipe in the collection.

``PTLIB_MODE=quick`` is for tests and CI (each notebook in about a minute); ``PTLIB_MODE=full`` (the default) is
lecture quality (a few minutes per notebook on a laptop CPU). Each model has its own small dataclass whose
defaults are the full mode; the quick mode is a short list of overrides (:data:`QUICK_OVERRIDES`), so the two
modes differ in one place only. Notebooks read every size from :func:`sizes`, never from literals of their own.

A pre-trained model's cache key is the whole dataclass of each section it depends on (``ptlib.pretrained``), so
a new field here is part of every key at once.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .arguments import whole_number

MODE_VARIABLE = "PTLIB_MODE"
MODES = ("quick", "full")
DEFAULT_MODE = "full"


class RunModeError(ValueError):
    """Raised when ``PTLIB_MODE`` holds something other than a known mode."""


@dataclass(frozen=True)
class CorpusSizes:
    """The unlabelled text: the general-domain corpus and the target domain's reviews."""

    sentences: int = 80_000
    reviews_unlabelled: int = 10_000
    # The shared word vocabulary keeps words seen at least this often: 5 keeps about 6,500 of the full corpus's
    # 10,700 types and 98.7% of its tokens; the rarer words (each seen under 5 times) become [UNK].
    vocab_min_count: int = 5


@dataclass(frozen=True)
class TaskSizes:
    """The labelled tasks, the probes, and the classifiers trained on them."""

    train: int = 1_000
    validation: int = 500
    test: int = 1_000
    probe_items: int = 1_000
    # A budget of optimiser steps, so that a run on 1000 labels costs no more than one on 16 (small sets are
    # seen for more epochs).
    classifier_steps: int = 250
    classifier_batch_size: int = 16
    seeds: int = 3


@dataclass(frozen=True)
class LMRecipe:
    """The course's left-to-right AWD-LSTM language model and its pre-training recipe."""

    # Measured in benchmarks/lm_claims.py: with about a million tokens and three epochs, one LSTM layer learns
    # agreement and facts as well as two in half the time.
    embedding: int = 128
    hidden: int = 256
    layers: int = 1
    epochs: int = 3
    batch_size: int = 16
    bptt: int = 32
    lr: float = 8e-3  # peak rate, decayed linearly to 5% over training
    # AWD-LSTM's dropouts regularise models trained for many epochs on big corpora. Ours sees about a million
    # tokens three times and under-fits: every dropout only slowed learning (benchmarks/lm_claims.py).
    dropout: float = 0.0
    # An adaptive softmax (Grave et al., 2017) with clusters from these word ids on; () is the paper's tied
    # softmax over every word. See benchmarks/lm_softmax.py for what it saves and costs.
    softmax_cutoffs: tuple[int, ...] = (1000, 3000)


@dataclass(frozen=True)
class ULMFiTRecipe:
    """ULMFiT's stages 2 (target-domain LM fine-tuning) and 3 (the classifier)."""

    finetune_epochs: int = 2
    # Stage 2's peak rate (Adam): half of pre-training's 8e-3. 8e-3 reached the same held-out perplexity.
    finetune_lr: float = 4e-3
    steps_per_stage: int = 80
    # Stage 3's peak rate for the top group; 2e-3 and 5e-3 gave the same accuracy within one std.
    classifier_lr: float = 1e-2


@dataclass(frozen=True)
class GloVeRecipe:
    """GloVe global vectors: the published settings (Pennington et al., 2014, section 4.2) and our sizes."""

    # 50 dimensions (the smallest published GloVe) did no worse than 100 on the full-mode corpus (6,701 words): of a
    # class word's 5 nearest words, 14% are in its class, against 12% (benchmarks/neighbours.py).
    dim: int = 50
    epochs: int = 50
    batch_size: int = 4_096
    window: int = 10
    x_max: float = 100.0
    alpha: float = 0.75
    lr: float = 0.05


@dataclass(frozen=True)
class BiLMRecipe:
    """ELMo's biLM: width per direction and layer, and its training recipe."""

    dim: int = 64
    epochs: int = 2
    batch_size: int = 64
    lr: float = 1e-2  # peak rate, decayed linearly to 5%
    weight_decay: float = 1e-6  # the paper's small L2 penalty
    # The paper's biLM uses dropout; ours sees each sentence twice and under-fits. In a paired full-mode run the
    # forward LM chose the verb that agrees across 1 / 2 / 3 intervening phrases 74% / 70% / 55% of the time with
    # dropout 0.1 and 96% / 86% / 72% without, at about the same perplexity, in 7% less time.
    dropout: float = 0.0


@dataclass(frozen=True)
class BertRecipe:
    """A small BERT and its pre-training on sentence pairs of the micro-world's documents (MLM + NSP)."""

    text: str = "general+reviews"  # the documents: the general corpus and, as notebook 01's LM, unlabelled reviews
    wordpiece_vocab: int = 3_000
    hidden: int = 128
    layers: int = 2
    heads: int = 2
    intermediate: int = 512
    max_length: int = 64  # tokens per pair, [CLS] and both [SEP]s included
    # one epoch over as many pairs. Held-out MLM / NSP accuracy: 40,000 pairs 0.23 / 0.68, 120,000 0.57 / 0.85,
    # 240,000 0.61 / 0.86. Doubling 120,000 also took agreement by pseudo-log-likelihood from 0.53 to 0.59 and
    # fine-tuned sentiment (1,000 labels, 2-3 seeds) from about 0.81 to 0.92, for 467 s of training instead of 232 s
    # (benchmarks/bert_pretraining.py, nothing else running)
    pairs: int = 240_000
    # then a short last phase of longer sequences, as BERT ended 128-token training with 512: as many more pairs as
    # this share of ``pairs``, each segment up to ``long_span`` sentences, up to ``long_max_length`` tokens
    long_share: float = 0.1
    long_span: int = 3
    long_max_length: int = 128
    comparison_pairs: int = 40_000  # each of notebook 06's two masking-rule BERTs, which differ in the rule only
    epochs: int = 1
    batch_size: int = 32
    lr: float = 1e-3  # peak AdamW rate, after a warm-up over the first 10% of steps
    dropout: float = 0.1


@dataclass(frozen=True)
class BertFineTuning:
    """Fine-tuning every weight of the pre-trained BERT on a task (a section of its own: changing it does not
    pre-train the BERT again)."""

    # the classifier reads the mean of the top layer's states ("mean") or the pooled [CLS] vector ("cls", BERT's
    # choice, which this small model fits far more slowly)
    pooling: str = "mean"
    lr: float = 1e-3  # peak AdamW rate, after a warm-up over the first 10% of steps, then down to 0
    # sentiment, 1,000 labels, 3 seeds, fine-tuned against from scratch (BERT of 120,000 pairs): 250 steps 0.60 vs 0.58,
    # 300 steps 0.73 vs 0.62, 400 steps 0.81 vs 0.68
    steps: int = 400
    # the current BERT, 3 seeds: 300 steps of 32 gave 0.819, 400 of 16 0.593, against 0.923 for 400 of 32; batches
    # grouped by length (as transformers' group_by_length) cut the time by a third but gave 0.755
    batch_size: int = 32


@dataclass(frozen=True)
class Sizes:
    """Every configuration a notebook uses, for one run mode: one dataclass per corpus, model or recipe."""

    mode: str = "full"
    corpus: CorpusSizes = field(default_factory=CorpusSizes)
    tasks: TaskSizes = field(default_factory=TaskSizes)
    lm: LMRecipe = field(default_factory=LMRecipe)
    ulmfit: ULMFiTRecipe = field(default_factory=ULMFiTRecipe)
    glove: GloVeRecipe = field(default_factory=GloVeRecipe)
    bilm: BiLMRecipe = field(default_factory=BiLMRecipe)
    bert: BertRecipe = field(default_factory=BertRecipe)
    bert_finetune: BertFineTuning = field(default_factory=BertFineTuning)

    def override(self, **sections: dict[str, Any]) -> Sizes:
        """A copy with some fields changed: ``sizes.override(lm={"epochs": 1}, tasks={"seeds": 1})``.

        Every field is a number >= 0: a whole one where the default is (``np.int64(1)`` is made a plain 1), any
        finite one for rates and dropouts; ``lm.softmax_cutoffs`` is a tuple of whole numbers (``()``: no clusters);
        ``bert.text`` and ``bert_finetune.pooling`` are names from :data:`CHOICES`.
        A wrong section, field or value is an error here, not in training.
        """
        changed = {}
        for name, fields in sections.items():
            if name == "mode" or name not in {f.name for f in dataclasses.fields(self)}:
                known = [f.name for f in dataclasses.fields(self) if f.name != "mode"]
                raise TypeError(f"unknown configuration section {name!r}; the sections are {known}")
            if not isinstance(fields, Mapping):
                raise TypeError(f"{name}= takes a dict of fields and values, e.g. {name}={{'epochs': 1}}; got "
                                f"{type(fields).__name__}")
            section = getattr(self, name)
            names = {f.name for f in dataclasses.fields(section)}
            if unknown := sorted(set(fields) - names):
                raise TypeError(f"unknown field(s) {unknown} in {name}; its fields are {sorted(names)}")
            values = {key: _value(f"{name}.{key}", value, getattr(section, key)) for key, value in fields.items()}
            changed[name] = dataclasses.replace(section, **values)
        return dataclasses.replace(self, **changed)


# the fields whose values are names, and the names they take
CHOICES = {"bert.text": ("general", "general+reviews"), "bert_finetune.pooling": ("cls", "mean")}


def _value(field_name: str, value: Any, default: int | float | tuple | str) -> int | float | tuple | str:
    """``value`` as a plain number of the default's kind (or a tuple of whole numbers), or an error naming the field."""
    if isinstance(default, str):
        if value not in CHOICES[field_name]:
            raise ValueError(f"{field_name} must be one of {', '.join(map(repr, CHOICES[field_name]))}, got {value!r}")
        return value
    if isinstance(default, tuple):
        numbers_given = [whole_number(v) for v in value] if isinstance(value, (tuple, list)) else [None]
        if any(n is None or n < 0 for n in numbers_given):
            raise TypeError(f"{field_name} must be a tuple of whole numbers >= 0, e.g. {default}, got {value!r}")
        return tuple(numbers_given)
    if isinstance(default, int):
        number, kind = whole_number(value), "a whole number"
    else:
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        number, kind = (float(value) if real else None), "a number"
    if number is None:
        raise TypeError(f"{field_name} must be {kind}, got {type(value).__name__} {value!r}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{field_name} must be a finite number >= 0, got {value!r}")
    return number


FULL = Sizes()
QUICK_OVERRIDES: dict[str, dict[str, Any]] = {
    "corpus": {"sentences": 12_000, "reviews_unlabelled": 2_000, "vocab_min_count": 2},
    "tasks": {"train": 256, "validation": 200, "test": 400, "probe_items": 200, "classifier_steps": 60, "seeds": 1},
    "lm": {"embedding": 64, "hidden": 128, "epochs": 2},
    "ulmfit": {"finetune_epochs": 1, "steps_per_stage": 20},
    "glove": {"epochs": 25, "batch_size": 1_024},
    "bilm": {"dim": 32},
    "bert": {"wordpiece_vocab": 1_500, "hidden": 64, "intermediate": 256, "pairs": 4_000, "comparison_pairs": 2_000},
    "bert_finetune": {"steps": 60},
}
QUICK = dataclasses.replace(FULL.override(**QUICK_OVERRIDES), mode="quick")
_BY_MODE = {sizes.mode: sizes for sizes in (QUICK, FULL)}


def flat(sizes: Sizes) -> dict[str, Any]:
    """Every field as ``section.field`` -> value (``mode`` left out): one row each in a table of the sizes."""
    return {f"{section.name}.{name}": value for section in dataclasses.fields(sizes) if section.name != "mode"
            for name, value in dataclasses.asdict(getattr(sizes, section.name)).items()}


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


def sizes(mode_name: str | None = None, **sections: dict[str, Any]) -> Sizes:
    """The configuration for ``mode_name`` (default: the current mode), with optional overrides per section.

    >>> sizes("quick").lm.epochs
    2
    >>> sizes("quick", lm={"epochs": 1}).lm.epochs
    1
    """
    name = mode() if mode_name is None else mode_name
    if name not in _BY_MODE:
        raise RunModeError(f"{name!r} is not a run mode; use one of {', '.join(MODES)}.")
    return _BY_MODE[name].override(**sections)
