"""Fitting GloVe's model to co-occurrence counts with AdaGrad, through the course's one training loop."""

from __future__ import annotations

import math

import torch

from ..config import GloVeRecipe
from ..data.cooccurrences import Cooccurrences
from ..models.glove import GloVeModel
from ..runtime import device as default_device
from ..runtime import one_cpu_thread
from .loop import fit
from .objectives import glove_loss


def train_glove(counts: Cooccurrences, recipe: GloVeRecipe, seed: int = 0, progress: bool = True,
                device: torch.device | None = None) -> tuple[torch.Tensor, list[float]]:
    """Fit GloVe to ``counts``: (vectors W + W~ on the CPU [vocab, dim], mean loss per entry for each epoch).

    Each epoch visits every non-zero entry once, in shuffled mini-batches; AdaGrad adapts the rate per
    parameter, which matters here because frequent words get far more updates than rare ones.
    """
    if len(counts) == 0:
        raise ValueError("no co-occurrences to fit: are the texts empty, or all out of the vocabulary?")
    if recipe.dim < 1 or recipe.epochs < 1 or recipe.batch_size < 1:
        raise ValueError(f"dim, epochs and batch_size must be positive, got {recipe.dim}, {recipe.epochs}, "
                         f"{recipe.batch_size}")
    target = device or default_device()
    generator = torch.Generator().manual_seed(seed)
    model = GloVeModel(counts.vocab_size, recipe.dim, generator)
    # Squared-gradient sums start at 0, so every parameter's first step has size lr; starting them at 1 (as the
    # reference C code does) left the quick-mode vectors visibly worse after the same number of epochs.
    optimizer = torch.optim.Adagrad(model.parameters(), lr=recipe.lr)
    rows, cols, values = counts.rows.to(target), counts.cols.to(target), counts.values.to(target)

    def shuffled_entries(_epoch: int) -> list[torch.Tensor]:
        return list(torch.randperm(len(counts), generator=generator).to(target).split(recipe.batch_size))

    def loss_fn(m: GloVeModel, entries: torch.Tensor) -> torch.Tensor:
        return glove_loss(m(rows[entries], cols[entries]), values[entries], recipe.x_max, recipe.alpha)

    with one_cpu_thread():
        history = fit(model, shuffled_entries, loss_fn, optimizer, epochs=recipe.epochs, clip_grad=None,
                      device=target, progress=progress, desc="GloVe")
    per_epoch = math.ceil(len(counts) / recipe.batch_size)
    losses = [sum(history.losses[e * per_epoch : (e + 1) * per_epoch]) / len(counts) for e in range(recipe.epochs)]
    return model.vectors(), losses
