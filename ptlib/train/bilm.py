"""Training ELMo's biLM, and its perplexity in each direction."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import torch

from ..data.characters import Batcher, sentence_batches
from ..models.bilm import BiLM
from ..runtime import device as default_device
from ..runtime import one_cpu_thread
from .loop import History, evaluate_batches, fit, perplexity
from .schedules import linear_decay


def perplexities(model: BiLM, batcher: Batcher, sentences: Sequence[Sequence[str]],
                 batch_size: int = 256) -> tuple[float, float]:
    """(forward, backward) perplexity on held-out sentences, each over the same n + 1 predictions a sentence."""

    def summed_losses(m: BiLM, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
        # n + 2 positions (the boundaries included), n + 1 predictions each way
        predictions = int(batch["attention_mask"].sum()) - len(batch["attention_mask"])
        return torch.stack(m.direction_losses(batch, reduction="sum")).cpu(), predictions

    sums = evaluate_batches(model, sentence_batches(sentences, batcher, batch_size), summed_losses)
    totals, count = torch.zeros(2), 0
    for total, predictions in sums:
        totals += total
        count += predictions
    forward, backward = (perplexity(total / count) for total in totals.tolist())
    return forward, backward


def train_bilm(model: BiLM, batcher: Batcher, train: Sequence[Sequence[str]],
               validation: Sequence[Sequence[str]] | None = None, *, epochs: int = 1, batch_size: int = 64,
               lr: float = 5e-3, weight_decay: float = 1e-6, seed: int = 0, progress: bool = True,
               device: torch.device | None = None) -> History:
    """Train on tokenised sentences with Adam, the rate decaying linearly to 5% of ``lr``.

    ``weight_decay`` is the paper's small L2 penalty (Adam adds ``weight_decay * w`` to each gradient).
    With a validation set, records ``forward_perplexity`` and ``backward_perplexity`` after each epoch.
    """
    if len(train) == 0:
        raise ValueError("no training sentences")
    target = device or default_device()
    rng = random.Random(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    total = epochs * math.ceil(len(train) / batch_size)
    schedule = linear_decay(optimizer, total)

    def evaluate(m: BiLM) -> dict[str, float]:
        forward, backward = perplexities(m, batcher, validation)
        return {"forward_perplexity": forward, "backward_perplexity": backward}

    with one_cpu_thread():
        return fit(model, lambda epoch: sentence_batches(train, batcher, batch_size, rng),
                   lambda m, batch: m.loss(batch), optimizer, epochs=epochs, scheduler=schedule,
                   evaluate=evaluate if validation else None, clip_grad=1.0, device=target, progress=progress,
                   desc="biLM")
