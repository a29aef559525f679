"""A small training loop: progress bars, gradient clipping, periodic evaluation, a plottable history.

One loop serves every model in the course because the model-specific part is a ``loss_fn(model, batch)``
that returns a scalar loss. Everything else (moving batches to the device, stepping the optimiser
and the scheduler, timing, recording) is the same for a language model and a classifier.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from .runtime import device as default_device

LossFn = Callable[[nn.Module, Any], torch.Tensor]
EvalFn = Callable[[nn.Module], Mapping[str, float]]


def to_device(batch: Any, target: torch.device) -> Any:
    """Move every tensor inside a (nested) batch to ``target``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(target, non_blocking=True)
    if isinstance(batch, Mapping):
        return {key: to_device(value, target) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(value, target) for value in batch)
    return batch


@dataclass
class History:
    """What a training run recorded: the loss of every step and the metrics of every evaluation."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    evaluations: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0

    def metric(self, name: str) -> tuple[list[float], list[float]]:
        """(steps, values) of one evaluation metric."""
        rows = [row for row in self.evaluations if name in row]
        if not rows:
            known = sorted({key for row in self.evaluations for key in row} - {"step", "epoch"})
            raise KeyError(f"no metric {name!r} was recorded; recorded: {known}")
        return [row["step"] for row in rows], [row[name] for row in rows]

    def final(self, name: str) -> float:
        """The last recorded value of a metric."""
        return self.metric(name)[1][-1]

    def smoothed_losses(self, window: int = 20) -> list[float]:
        """Running mean of the step losses, for a readable curve."""
        out, total = [], 0.0
        for i, loss in enumerate(self.losses):
            total += loss
            if i >= window:
                total -= self.losses[i - window]
            out.append(total / min(i + 1, window))
        return out

    def plot(self, metrics: Iterable[str] = (), ax: Any = None, title: str | None = None) -> Any:
        """Training loss against steps, with the named evaluation metrics on a second axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(self.steps, self.smoothed_losses(), color="tab:blue", label="training loss (smoothed)")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        metrics = list(metrics)
        if metrics:
            right = ax.twinx()
            for name, colour in zip(metrics, ["tab:orange", "tab:green", "tab:red", "tab:purple"]):
                steps, values = self.metric(name)
                right.plot(steps, values, "o-", color=colour, label=name)
            right.set_ylabel(", ".join(metrics))
            right.legend(loc="upper right")
        ax.legend(loc="upper left" if metrics else "best")
        if title:
            ax.set_title(title)
        return ax


def fit(
    model: nn.Module,
    batches: Iterable[Any] | Callable[[int], Iterable[Any]],
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int = 1,
    scheduler: Any = None,
    evaluate: EvalFn | None = None,
    eval_every: int | None = None,
    on_epoch_start: Callable[[int], None] | None = None,
    clip_grad: float | None = 1.0,
    device: torch.device | None = None,
    progress: bool = True,
    desc: str = "training",
) -> History:
    """Train ``model`` and return its :class:`History`.

    ``batches`` is either a re-iterable (a DataLoader) or a function ``epoch -> iterable``
    (for streams that reshuffle per epoch). ``scheduler.step()`` is called after every optimiser
    step. ``evaluate(model)`` runs after every ``eval_every`` steps and at the end of each epoch,
    in eval mode and without gradients. ``on_epoch_start(epoch)`` runs before each epoch
    (e.g. gradual unfreezing).
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    target = device or default_device()
    model.to(target)
    history = History()
    started = time.perf_counter()

    def run_evaluation(step: int, epoch: int) -> None:
        if evaluate is None:
            return
        model.eval()
        with torch.no_grad():
            metrics = dict(evaluate(model))
        model.train()
        history.evaluations.append({"step": step, "epoch": epoch, **metrics})

    def epoch_batches(epoch: int) -> Iterable[Any]:
        return batches(epoch) if callable(batches) else batches

    total = None
    if not callable(batches) and hasattr(batches, "__len__"):
        total = epochs * len(batches)  # type: ignore[arg-type]
    bar = tqdm(total=total, desc=desc, disable=not progress, leave=False)
    step, running = 0, 0.0  # running: an exponential average of the loss, for the progress bar
    model.train()
    for epoch in range(epochs):
        if on_epoch_start is not None:
            on_epoch_start(epoch)
        seen = 0
        for batch in epoch_batches(epoch):
            seen += 1
            loss = loss_fn(model, to_device(batch, target))
            if not torch.isfinite(loss):
                bar.close()
                raise FloatingPointError(
                    f"the loss became {loss.item()} at step {step}: lower the learning rate or check the inputs"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip_grad is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            step += 1
            history.steps.append(step)
            history.losses.append(loss.item())
            bar.update(1)
            running = history.losses[-1] if step == 1 else 0.95 * running + 0.05 * history.losses[-1]
            if step % 10 == 0:
                bar.set_postfix(epoch=epoch + 1, loss=f"{running:.3f}")
            if eval_every and step % eval_every == 0:
                run_evaluation(step, epoch)
        if seen == 0:
            bar.close()
            raise ValueError(f"epoch {epoch + 1} had no batches: is the training set empty?")
        if not (eval_every and step % eval_every == 0):
            run_evaluation(step, epoch)
    bar.close()
    model.eval()
    history.seconds = time.perf_counter() - started
    return history


def perplexity(mean_loss: float) -> float:
    """exp(mean cross-entropy), capped so that an untrained model does not overflow."""
    return math.exp(min(mean_loss, 50.0))
