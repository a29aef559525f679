"""Training a left-to-right language model on a token stream, and its perplexity.

The stream comes from :mod:`ptlib.data.streams`: ``batch_size`` parallel rows read in windows of ``bptt`` tokens,
with the hidden state carried from one window to the next (truncated back-propagation through time).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import torch

from ..data.streams import batchify, windows
from ..models.awd_lstm import AWDLSTMLanguageModel, State, detach
from ..runtime import device as default_device
from .loop import History, evaluate_batches, fit, perplexity
from .objectives import adaptive_next_token_loss, next_token_loss


def language_model_loss(model: AWDLSTMLanguageModel, words: torch.Tensor, labels: torch.Tensor,
                        state: State | None = None, reduction: str = "mean") -> tuple[torch.Tensor, State]:
    """The next-token loss of ``model`` reading ``words`` [batch, time] from ``state``, and the state after."""
    top, state = model.top(words, state)
    if model.adaptive:
        return adaptive_next_token_loss(model.decoder, top, labels, reduction), state
    return next_token_loss(model.decoder(top), labels, reduction), state


class _CarriedState:
    """The loss function for :func:`fit` that carries the hidden state across windows.

    With probability ``reset_probability`` a window starts from a fresh (zero) state instead: a model
    that only ever continued a long stream never learns to read from a cold start, which is exactly
    how probes and classifiers use it (one sentence, state ``None``).
    """

    def __init__(self, reset_probability: float = 0.0, seed: int = 0) -> None:
        self.state: State | None = None
        self.reset_probability = reset_probability
        self.rng = random.Random(seed)

    def reset(self, _epoch: int = 0) -> None:
        self.state = None

    def __call__(self, model: AWDLSTMLanguageModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        if self.reset_probability and self.rng.random() < self.reset_probability:
            self.state = None
        loss, state = language_model_loss(model, batch["input_ids"], batch["labels"], self.state)
        self.state = detach(state)
        return loss


def mean_loss(model: AWDLSTMLanguageModel, stream: torch.Tensor, batch_size: int = 16, bptt: int = 64) -> float:
    """Mean next-token cross-entropy over a stream (eval mode, state carried from window to window)."""
    state = None

    def summed_loss(m: AWDLSTMLanguageModel, batch: dict[str, torch.Tensor]) -> tuple[float, int]:
        nonlocal state
        loss, state = language_model_loss(m, batch["input_ids"], batch["labels"], state, "sum")
        return loss.item(), batch["labels"].numel()

    sums = evaluate_batches(model, windows(batchify(stream, batch_size), bptt), summed_loss)
    return sum(total for total, _ in sums) / sum(count for _, count in sums)


def stream_perplexity(model: AWDLSTMLanguageModel, stream: torch.Tensor, batch_size: int = 16,
                      bptt: int = 64) -> float:
    """Perplexity of ``model`` on a held-out token stream."""
    return perplexity(mean_loss(model, stream, batch_size, bptt))


def train_language_model(
    model: AWDLSTMLanguageModel,
    train: torch.Tensor,
    validation: torch.Tensor | None = None,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    bptt: int = 48,
    lr: float = 3e-3,
    weight_decay: float = 1e-6,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: object = None,
    state_reset: float = 0.1,
    seed: int = 0,
    progress: bool = True,
    desc: str = "language model",
    device: torch.device | None = None,
) -> History:
    """Train on a token stream; records validation perplexity after each epoch when given a stream.

    ``state_reset`` is the fraction of windows that start from a zero state rather than the carried one
    (see :class:`_CarriedState`); 0 carries the state through the whole epoch.
    """
    if not 0 <= state_reset <= 1:
        raise ValueError(f"state_reset is a probability between 0 and 1, got {state_reset}")
    target = device or default_device()
    model.to(target)
    batched = batchify(train, batch_size).to(target)
    rng = random.Random(seed)
    loss_fn = _CarriedState(state_reset, seed)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)

    def epoch_windows(epoch: int) -> Iterator[dict[str, torch.Tensor]]:
        # A random start offset each epoch, so window boundaries fall in different places.
        return windows(batched, bptt, offset=rng.randrange(bptt) if epoch else 0)

    def evaluate(m: AWDLSTMLanguageModel) -> dict[str, float]:
        return {"validation_perplexity": stream_perplexity(m, validation)} if validation is not None else {}

    return fit(model, epoch_windows, loss_fn, optimizer, epochs=epochs, scheduler=scheduler,
               evaluate=evaluate if validation is not None else None, on_epoch_start=loss_fn.reset,
               clip_grad=0.5, device=target, progress=progress, desc=desc)
