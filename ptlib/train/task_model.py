"""Training notebook 04's task model on examples that carry a frozen biLM's layers for every token."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ..data.vocab import PAD_ID
from ..models.scalar_mix import N_LAYERS
from ..models.task_model import TaskModel
from ..runtime import device, one_cpu_thread
from .loop import History, evaluate_batches, fit


def task_batches(examples: Sequence[dict], batch_size: int, rng: random.Random | None = None) -> list[dict]:
    """Padded batches: ``input_ids``, ``attention_mask`` [batch, time], ``layers`` [3, batch, time, dim], ``labels``."""
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
    out = []
    for start in range(0, len(order), batch_size):
        chunk = [examples[i] for i in order[start : start + batch_size]]
        length = max(len(e["input_ids"]) for e in chunk)
        ids = torch.full((len(chunk), length), PAD_ID, dtype=torch.long)
        layers = torch.zeros(N_LAYERS, len(chunk), length, chunk[0]["layers"].size(-1))
        for row, example in enumerate(chunk):
            n = len(example["input_ids"])
            ids[row, :n] = example["input_ids"]
            layers[:, row, :n] = example["layers"]
        out.append({"input_ids": ids, "attention_mask": ids != PAD_ID, "layers": layers,
                    "labels": torch.tensor([e["label"] for e in chunk])})
    return out


def train_task_model(model: TaskModel, train: Sequence[dict], *, steps: int, batch_size: int = 16,
                     lr: float = 3e-3, mix_l2: float = 0.0, seed: int = 0, progress: bool = False) -> History:
    """Adam for about ``steps`` steps (whole epochs). ``mix_l2`` adds the paper's lambda * ||w||^2 on the mix
    scalars, which pulls the layer weights towards an equal average (the paper's lambda = 1 vs 0.001)."""
    if not train:
        raise ValueError("no training examples")
    epochs = math.ceil(steps / math.ceil(len(train) / batch_size))
    rng = random.Random(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def loss_fn(m: TaskModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        loss = F.cross_entropy(m(batch), batch["labels"])
        if m.use_elmo and mix_l2:
            loss = loss + mix_l2 * (m.mix.scalars**2).sum()
        return loss

    with one_cpu_thread():  # small steps: see ptlib.runtime.one_cpu_thread
        return fit(model, lambda epoch: task_batches(train, batch_size, rng), loss_fn, optimizer, epochs=epochs,
                   device=device(), progress=progress, desc="task model")


def task_predictions(model: TaskModel, examples: Sequence[dict], batch_size: int = 128) -> torch.Tensor:
    """The class the model predicts for each of ``examples``, [len(examples)]."""
    return torch.cat(evaluate_batches(model, task_batches(examples, batch_size),
                                      lambda m, batch: m(batch).argmax(-1).cpu()))


def task_accuracy(model: TaskModel, examples: Sequence[dict], batch_size: int = 128) -> float:
    """The share of ``examples`` whose label the model predicts."""
    labels = torch.tensor([example["label"] for example in examples])
    return (task_predictions(model, examples, batch_size) == labels).float().mean().item()
