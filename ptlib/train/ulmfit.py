"""ULMFiT's three fine-tuning techniques (Howard & Ruder, 2018), each a few lines over plain PyTorch.

- slanted triangular learning rates (STLR): a short linear warm-up to the peak rate, then a long linear
  decay, as a standard ``torch.optim.lr_scheduler``;
- discriminative fine-tuning: lower layers, which hold more general knowledge, get smaller rates; each
  layer's rate is the one above divided by 2.6;
- gradual unfreezing: train the last layer group first, then one more group per epoch.

A model's *layer groups* are listed bottom to top: for an LSTM classifier, the embedding, each LSTM layer,
then the head.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ..data.batching import Example, labelled_batches
from ..data.streams import steps_per_epoch
from ..models.awd_lstm import AWDLSTMLanguageModel
from ..models.classifier import LSTMClassifier
from ..runtime import device as default_device
from .classifier import accuracy
from .language_model import train_language_model
from .loop import History, fit
from .objectives import classification_loss

DISCRIMINATIVE_FACTOR = 2.6  # the paper's choice: eta^(l-1) = eta^l / 2.6


def stlr_multiplier(step: int, total_steps: int, cut_frac: float = 0.1, ratio: float = 32) -> float:
    """The STLR rate at ``step`` as a fraction of the peak rate (equation 3 of the paper).

    cut = floor(T * cut_frac); p = t / cut before the cut, else 1 - (t - cut) / (cut * (1 / cut_frac - 1));
    rate = peak * (1 + p * (ratio - 1)) / ratio. It starts at peak / ratio, peaks at step ``cut`` and falls
    back to peak / ratio at step T.
    """
    if total_steps < 1:
        raise ValueError(f"total_steps must be at least 1, got {total_steps}")
    if not 0 < cut_frac < 1:
        raise ValueError(f"cut_frac must be between 0 and 1, got {cut_frac}")
    cut = max(1, math.floor(total_steps * cut_frac))
    if step < cut:
        p = step / cut
    else:
        p = max(0.0, 1 - (step - cut) / (cut * (1 / cut_frac - 1)))
    return (1 + p * (ratio - 1)) / ratio


def slanted_triangular(optimizer: torch.optim.Optimizer, total_steps: int, cut_frac: float = 0.1,
                       ratio: float = 32) -> torch.optim.lr_scheduler.LambdaLR:
    """STLR as a scheduler: each parameter group's ``lr`` is its peak; call ``.step()`` after every batch."""
    stlr_multiplier(0, total_steps, cut_frac, ratio)  # validates the arguments now, not at the first step
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: stlr_multiplier(step, total_steps, cut_frac, ratio))


def discriminative_groups(layer_groups: Sequence[nn.Module], top_lr: float,
                          factor: float = DISCRIMINATIVE_FACTOR) -> list[dict]:
    """Optimizer parameter groups, bottom to top: the top group gets ``top_lr``, each one below ÷ ``factor``."""
    if not layer_groups:
        raise ValueError("no layer groups given")
    depth = len(layer_groups)
    return [{"params": list(group.parameters()), "lr": top_lr / factor ** (depth - 1 - index)}
            for index, group in enumerate(layer_groups)]


def freeze_all_but_top(layer_groups: Sequence[nn.Module], trainable: int) -> None:
    """Let only the top ``trainable`` layer groups learn (gradual unfreezing's state after an epoch)."""
    if trainable < 1:
        raise ValueError(f"at least one layer group must train, got {trainable}")
    first_trainable = max(0, len(layer_groups) - trainable)
    for index, group in enumerate(layer_groups):
        for parameter in group.parameters():
            parameter.requires_grad = index >= first_trainable


# --- The three stages -----------------------------------------------------------------------------------------
# Stage 1 is ``ptlib.pretrained.load("lm:general")``. Stage 2 fine-tunes that LM on the target domain's
# unlabelled text; stage 3 trains a classifier on the labelled set. Both use STLR and discriminative rates;
# stage 3 also unfreezes gradually. Each technique can be switched off, for the ablations.


def lm_layer_groups(model: AWDLSTMLanguageModel) -> list[nn.Module]:
    """A language model's groups, bottom to top: each LSTM layer, then the embedding + softmax.

    The embedding shares its matrix with the tied softmax, which predicts the target domain's words, so (as
    fastai's ULMFiT does) it sits in the top group and gets the full rate; with the adaptive softmax the two
    stay together there, reading and writing the target domain's words.
    """
    return [*model.encoder.rnns, nn.ModuleList([model.encoder.embedding, model.decoder])]


def classifier_layer_groups(model: LSTMClassifier) -> list[nn.Module]:
    """A classifier's groups, bottom to top: embedding, each LSTM layer, the head."""
    return [*model.encoder.layer_groups(), model.head]


def _optimizer(groups: Sequence[nn.Module], lr: float, discriminative: bool) -> torch.optim.Optimizer:
    trainable = [g for g in groups if any(p.requires_grad for p in g.parameters())]
    param_groups = (discriminative_groups(trainable, lr) if discriminative
                    else [{"params": [p for g in trainable for p in g.parameters()], "lr": lr}])
    for group in param_groups:
        group["params"] = [p for p in group["params"] if p.requires_grad]
    # The paper's Adam momentum (beta1 = 0.7) suits short runs with a rate that changes every step.
    return torch.optim.Adam(param_groups, betas=(0.7, 0.99), weight_decay=1e-6)


def _scheduler(optimizer: torch.optim.Optimizer, total_steps: int, slanted: bool):
    return slanted_triangular(optimizer, total_steps) if slanted else None


def fine_tune_language_model(model: AWDLSTMLanguageModel, train: torch.Tensor, validation: torch.Tensor | None = None,
                             *, epochs: int = 2, lr: float = 4e-3, batch_size: int = 16, bptt: int = 32,
                             discriminative: bool = True, slanted: bool = True, seed: int = 0,
                             progress: bool = True, device: torch.device | None = None) -> History:
    """Stage 2: go on training a pre-trained LM on the target domain's token stream (in place)."""
    optimizer = _optimizer(lm_layer_groups(model), lr, discriminative)
    total = steps_per_epoch(train.numel(), batch_size, bptt) * epochs
    return train_language_model(model, train, validation, epochs=epochs, batch_size=batch_size, bptt=bptt,
                                optimizer=optimizer, scheduler=_scheduler(optimizer, total, slanted), seed=seed,
                                progress=progress, desc="fine-tuning the LM on reviews", device=device)


def train_ulmfit_classifier(
    model: LSTMClassifier,
    train: Sequence[Example],
    *,
    steps_per_stage: int = 80,
    lr: float = 4e-3,
    batch_size: int = 16,
    gradual: bool = True,
    discriminative: bool = True,
    slanted: bool = True,
    validation: Sequence[Example] | None = None,
    seed: int = 0,
    progress: bool = False,
    device: torch.device | None = None,
) -> list[History]:
    """Stage 3: train ``model`` on labelled examples, one :class:`History` per unfreezing stage.

    With ``gradual``, stage k trains the top k + 1 layer groups for ``steps_per_stage`` steps, each stage with
    a fresh optimiser and its own STLR cycle (as fastai runs it). Without it, one stage trains every group
    for the same total number of steps, so the comparison is at equal cost.
    """
    if not train:
        raise ValueError("no labelled examples to train on")
    groups = classifier_layer_groups(model)
    stages = range(1, len(groups) + 1) if gradual else [len(groups)]
    steps = steps_per_stage if gradual else steps_per_stage * len(groups)
    per_epoch = math.ceil(len(train) / batch_size)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)

    histories = []
    for trainable in stages:
        freeze_all_but_top(groups, trainable)
        optimizer = _optimizer(groups, lr, discriminative)
        epochs = math.ceil(steps / per_epoch)
        scheduler = _scheduler(optimizer, epochs * per_epoch, slanted)
        history = fit(model, lambda _: labelled_batches(train, batch_size, shuffle=True, generator=generator),
                      classification_loss, optimizer, epochs=epochs, scheduler=scheduler,
                      device=device or default_device(), progress=progress,
                      desc=f"classifier, top {trainable} of {len(groups)} groups")
        if validation:  # once per stage: the curve the notebook plots
            history.evaluations.append({"step": history.steps[-1], "epoch": epochs - 1, "trainable_groups": trainable,
                                        "validation_accuracy": accuracy(model, validation)})
        histories.append(history)
    freeze_all_but_top(groups, len(groups))
    return histories
