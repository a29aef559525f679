"""The one training loop and the one evaluation loop of the course.

:func:`fit` trains any model because the model-specific part is a ``loss_fn(model, batch)`` that returns a scalar
loss. Everything else is the same for a language model, a classifier, the biLM and GloVe: moving batches to the
device, gradient accumulation, mixed precision on a GPU, clipping, stepping the optimiser and the scheduler,
progress bars, timing, and a plottable :class:`History`.

:func:`evaluate_batches` runs a model over batches in eval mode without gradients, on the model's device, and
restores the model's mode afterwards: every accuracy, perplexity and feature extraction goes through it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch
from torch import nn
from tqdm.auto import tqdm

from ..data.batching import to_device
from ..runtime import device as default_device

LossFn = Callable[[nn.Module, Any], torch.Tensor]
EvalFn = Callable[[nn.Module], Mapping[str, float]]
T = TypeVar("T")


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
    accumulate: int = 1,
    mixed_precision: bool = False,
    device: torch.device | None = None,
    progress: bool = True,
    desc: str = "training",
    total_steps: int | None = None,
) -> History:
    """Train ``model`` and return its :class:`History`.

    ``batches`` is either a re-iterable (a DataLoader) or a function ``epoch -> iterable`` (for streams that
    reshuffle per epoch). Every ``accumulate`` batches make one optimiser step (their gradients summed, each loss
    divided by ``accumulate``: a larger batch for the memory of a small one); ``clip_grad`` caps the gradient's
    norm before each step, and ``scheduler.step()`` follows each step. ``mixed_precision`` runs the forward pass
    in float16 with a gradient scaler on a CUDA device (elsewhere it is ignored). ``evaluate(model)`` runs after
    every ``eval_every`` steps and at the end of each epoch, in eval mode and without gradients.
    ``on_epoch_start(epoch)`` runs before each epoch (e.g. gradual unfreezing). ``total_steps`` gives the progress
    bar its end (and so a time estimate) where ``batches`` has no length.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if isinstance(accumulate, bool) or not isinstance(accumulate, int) or accumulate < 1:
        raise ValueError(f"accumulate must be a whole number of batches >= 1, got {accumulate!r}")
    target = device or default_device()
    model.to(target)
    amp = mixed_precision and target.type == "cuda"
    scaler = torch.amp.GradScaler("cuda") if amp else None
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

    def optimizer_step(losses: list[float]) -> None:
        """One step on the gradients accumulated from ``losses``' batches, recorded in the history."""
        if clip_grad is not None:
            if scaler is not None:
                scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if scheduler is not None:
            scheduler.step()
        history.steps.append(len(history.steps) + 1)
        history.losses.append(sum(losses) / len(losses))

    total = total_steps
    if total is None and not callable(batches) and hasattr(batches, "__len__"):
        total = epochs * math.ceil(len(batches) / accumulate)  # type: ignore[arg-type]
    bar = tqdm(total=total, desc=desc, disable=not progress, leave=False)
    step, running = 0, 0.0  # running: an exponential average of the loss, for the progress bar
    model.train()
    optimizer.zero_grad(set_to_none=True)
    for epoch in range(epochs):
        if on_epoch_start is not None:
            on_epoch_start(epoch)
        seen, pending = 0, []  # pending: the losses of the batches accumulated since the last step
        for batch in batches(epoch) if callable(batches) else batches:
            seen += 1
            with torch.autocast(target.type, dtype=torch.float16, enabled=amp):
                loss = loss_fn(model, to_device(batch, target))
            if not torch.isfinite(loss):
                bar.close()
                raise FloatingPointError(
                    f"the loss became {loss.item()} at step {step}: lower the learning rate or check the inputs"
                )
            scaled = loss / accumulate if accumulate > 1 else loss
            (scaler.scale(scaled) if scaler is not None else scaled).backward()
            pending.append(loss.item())
            if len(pending) < accumulate:
                continue
            optimizer_step(pending)
            step, pending = step + 1, []
            bar.update(1)
            running = history.losses[-1] if step == 1 else 0.95 * running + 0.05 * history.losses[-1]
            if step % 10 == 0:
                bar.set_postfix(epoch=epoch + 1, loss=f"{running:.3f}")
            if eval_every and step % eval_every == 0:
                run_evaluation(step, epoch)
        if seen == 0:
            bar.close()
            raise ValueError(f"epoch {epoch + 1} had no batches: is the training set empty?")
        if pending:  # an epoch that does not divide into whole accumulations ends with a smaller step
            optimizer_step(pending)
            step += 1
        if not (eval_every and step % eval_every == 0):
            run_evaluation(step, epoch)
    bar.close()
    model.eval()
    history.seconds = time.perf_counter() - started
    return history


@torch.no_grad()
def evaluate_batches(model: nn.Module, batches: Iterable[Any], forward: Callable[[nn.Module, Any], T]) -> list[T]:
    """``forward(model, batch)`` for every batch, in eval mode, without gradients, on the model's device.

    The model's mode (train or eval) is restored afterwards, so this can run in the middle of training.
    """
    was_training = model.training
    target = next(model.parameters()).device
    model.eval()
    try:
        return [forward(model, to_device(batch, target)) for batch in batches]
    finally:
        model.train(was_training)


def perplexity(mean_loss: float) -> float:
    """exp(mean cross-entropy per token), capped so that an untrained model does not overflow."""
    return math.exp(min(mean_loss, 50.0))
