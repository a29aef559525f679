"""Training and querying a left-to-right language model.

Language modelling turns raw text into training examples for free: every token is the label of
the text before it. This module holds the plumbing: one long token stream, cut into ``batch_size``
parallel rows and read in windows of ``bptt`` tokens with the hidden state carried from one window
to the next (truncated back-propagation through time); perplexity; and next-word scores, which
the probes use to ask a model "which verb?" or "which year?".
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

import torch
import torch.nn.functional as F

from .awd_lstm import AWDLSTMLanguageModel, State, detach
from .runtime import device as default_device
from .training import History, fit
from .vocab import PAD_ID, Vocab, pad_batch


def token_stream(texts: Sequence[str], vocab: Vocab) -> torch.Tensor:
    """All texts encoded and concatenated into one 1-D LongTensor."""
    if len(texts) == 0:
        raise ValueError("no texts to build a token stream from")
    ids: list[int] = []
    for text in texts:
        ids.extend(vocab.encode(text))
    return torch.tensor(ids, dtype=torch.long)


def batchify(stream: torch.Tensor, batch_size: int) -> torch.Tensor:
    """[n] -> [batch_size, n // batch_size]: row i continues where it left off in the next window."""
    columns = stream.numel() // batch_size
    if columns < 2:
        raise ValueError(f"a stream of {stream.numel()} tokens is too short for {batch_size} rows")
    return stream[: columns * batch_size].view(batch_size, columns)


def windows(batched: torch.Tensor, bptt: int, offset: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs, targets) windows of ``bptt`` steps; targets are the inputs shifted one token left."""
    for start in range(offset, batched.size(1) - 1, bptt):
        length = min(bptt, batched.size(1) - 1 - start)
        yield batched[:, start : start + length], batched[:, start + 1 : start + 1 + length]


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

    def __call__(self, model: AWDLSTMLanguageModel, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        inputs, targets = batch
        if self.reset_probability and self.rng.random() < self.reset_probability:
            self.state = None
        logits, state = model(inputs, self.state)
        self.state = detach(state)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


@torch.no_grad()
def mean_loss(model: AWDLSTMLanguageModel, stream: torch.Tensor, batch_size: int = 16, bptt: int = 64) -> float:
    """Mean next-token cross-entropy over a stream (eval mode, state carried)."""
    was_training = model.training
    model.eval()
    target_device = next(model.parameters()).device
    batched = batchify(stream, batch_size).to(target_device)
    total, count, state = 0.0, 0, None
    for inputs, targets in windows(batched, bptt):
        logits, state = model(inputs, state)
        total += F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="sum").item()
        count += targets.numel()
    model.train(was_training)
    return total / count


def perplexity(model: AWDLSTMLanguageModel, stream: torch.Tensor, batch_size: int = 16, bptt: int = 64) -> float:
    return math.exp(mean_loss(model, stream, batch_size, bptt))


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

    def epoch_windows(epoch: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        # A random start offset each epoch, so window boundaries fall in different places.
        return windows(batched, bptt, offset=rng.randrange(bptt) if epoch else 0)

    def evaluate(m: AWDLSTMLanguageModel) -> dict[str, float]:
        return {"validation_perplexity": perplexity(m, validation)} if validation is not None else {}

    return fit(model, epoch_windows, loss_fn, optimizer, epochs=epochs, scheduler=scheduler,
               evaluate=evaluate if validation is not None else None, on_epoch_start=loss_fn.reset,
               clip_grad=0.5, device=target, progress=progress, desc=desc)


def steps_per_epoch(n_tokens: int, batch_size: int, bptt: int) -> int:
    """How many windows one epoch over ``n_tokens`` holds (for schedulers that need the total)."""
    return math.ceil((n_tokens // batch_size - 1) / bptt)


@torch.no_grad()
def next_word_logprobs(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str],
                       batch_size: int = 256) -> torch.Tensor:
    """log P(next word | prefix) for each prefix: [len(prefixes), vocab]."""
    model.eval()
    target_device = next(model.parameters()).device
    rows = []
    for start in range(0, len(prefixes), batch_size):
        chunk = [vocab.encode(p) for p in prefixes[start : start + batch_size]]
        ids, mask = pad_batch(chunk, pad_id=PAD_ID)
        logits, _ = model(ids.to(target_device))
        last = mask.sum(1) - 1  # right padding never influences earlier positions of a causal LM
        rows.append(F.log_softmax(logits[torch.arange(len(chunk)), last.to(target_device)], -1).cpu())
    return torch.cat(rows)


def prefers(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str], good: Sequence[str],
            bad: Sequence[str]) -> torch.Tensor:
    """For minimal pairs: True where the model gives the good word a higher probability than the bad one."""
    scores = next_word_logprobs(model, vocab, prefixes)
    good_ids = torch.tensor([vocab.token_to_id(w) for w in good])
    bad_ids = torch.tensor([vocab.token_to_id(w) for w in bad])
    rows = torch.arange(len(prefixes))
    return scores[rows, good_ids] > scores[rows, bad_ids]


def choose(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str],
           candidates: Sequence[Sequence[str]]) -> list[str]:
    """For cloze items: the candidate the model rates most likely after each prefix."""
    scores = next_word_logprobs(model, vocab, prefixes)
    picks = []
    for row, options in zip(scores, candidates):
        ids = torch.tensor([vocab.token_to_id(w) for w in options])
        picks.append(options[int(row[ids].argmax())])
    return picks
