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


def gradual_unfreezing(layer_groups: Sequence[nn.Module]):
    """An ``on_epoch_start`` hook for :func:`ptlib.training.fit`: epoch e trains the top e + 1 groups."""

    def unfreeze(epoch: int) -> None:
        freeze_all_but_top(layer_groups, epoch + 1)

    return unfreeze
