"""ULMFiT's ablations: the full recipe, and the same recipe with one ingredient taken away.

Each :class:`Variant` names where its encoder comes from (a fresh one, the general-domain LM of stage 1,
or the LM fine-tuned on reviews in stage 2) and which stage-3 techniques it uses. :func:`run_variant`
trains one classifier that way on a labelled sample and returns its test accuracy, so notebook 03 and
``benchmarks/ulmfit.py`` run exactly the same experiment.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from .. import config, pretrained
from ..data.batching import Example
from ..models.awd_lstm import AWDLSTMEncoder, AWDLSTMLanguageModel
from ..models.classifier import LSTMClassifier
from ..runtime import seed_everything
from ..train.classifier import accuracy
from ..train.ulmfit import train_ulmfit_classifier

Examples = Sequence[Example]
ENCODERS = ("fresh", "general", "fine-tuned")


@dataclass(frozen=True)
class Variant:
    name: str
    encoder: str  # one of ENCODERS
    gradual: bool = True
    discriminative: bool = True
    slanted: bool = True


ULMFIT = Variant("ULMFiT: all three stages", "fine-tuned")
# A fresh encoder has nothing to protect, so it is trained the standard way: every layer at once.
FROM_SCRATCH = Variant("from scratch (no pre-training)", "fresh", gradual=False)
VARIANTS = (
    ULMFIT,
    Variant("no target-domain LM fine-tuning", "general"),
    Variant("all layers at once (no gradual unfreezing)", "fine-tuned", gradual=False),
    Variant("one learning rate (no discriminative rates)", "fine-tuned", discriminative=False),
    Variant("constant learning rate (no STLR)", "fine-tuned", slanted=False),
    FROM_SCRATCH,
)


def variant(name: str) -> Variant:
    """The variant called ``name``."""
    for candidate in VARIANTS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no variant {name!r}; the variants are: {'; '.join(v.name for v in VARIANTS)}")


def language_models(sizes: config.Sizes | None = None, seed: int = 0,
                    progress: bool = True) -> dict[str, AWDLSTMLanguageModel]:
    """The LMs the variants start from, by encoder name: stage 1's and stage 2's (both cached)."""
    sizes = sizes or config.sizes()
    return {name: pretrained.load(f"lm:{name}", sizes, seed=seed, progress=progress).model
            for name in ("general", "fine-tuned")}


def build_classifier(choice: Variant, lms: dict[str, AWDLSTMLanguageModel], n_classes: int,
                     sizes: config.Sizes, seed: int = 0) -> LSTMClassifier:
    """A classifier whose encoder is a copy of the variant's LM encoder, or a fresh one."""
    if choice.encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {choice.encoder!r}; choose one of {', '.join(ENCODERS)}")
    seed_everything(seed)
    if choice.encoder == "fresh":
        reference = lms["general"].encoder
        encoder = AWDLSTMEncoder(reference.config).to(reference.embedding.weight.device)
    else:
        encoder = copy.deepcopy(lms[choice.encoder].encoder)
    return LSTMClassifier(encoder, n_classes)


def run_variant(choice: Variant, lms: dict[str, AWDLSTMLanguageModel], train: Examples, test: Examples, *,
                sizes: config.Sizes | None = None, n_classes: int = 2, seed: int = 0,
                validation: Examples | None = None) -> tuple[float, LSTMClassifier, list]:
    """Train one classifier the variant's way; (test accuracy, the classifier, its per-stage histories)."""
    sizes = sizes or config.sizes()
    model = build_classifier(choice, lms, n_classes, sizes, seed)
    histories = train_ulmfit_classifier(model, train, steps_per_stage=sizes.ulmfit.steps_per_stage,
                                        lr=sizes.ulmfit.classifier_lr, batch_size=sizes.tasks.classifier_batch_size,
                                        gradual=choice.gradual, discriminative=choice.discriminative,
                                        slanted=choice.slanted, validation=validation, seed=seed)
    return accuracy(model, test), model, histories
