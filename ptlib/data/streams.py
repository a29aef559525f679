"""Text as one long token stream, the way a left-to-right language model reads it.

Language modelling turns raw text into training examples for free: every token is the label of the text before
it. The stream is cut into ``batch_size`` parallel rows and read in windows of ``bptt`` tokens; row i of one
window continues where row i of the previous one stopped, so a model can carry its state across windows
(truncated back-propagation through time).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import torch

from .vocab import Vocab


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


def windows(batched: torch.Tensor, bptt: int, offset: int = 0) -> Iterator[dict[str, torch.Tensor]]:
    """Windows of ``bptt`` steps: ``input_ids`` and ``labels``, the inputs shifted one token left."""
    for start in range(offset, batched.size(1) - 1, bptt):
        length = min(bptt, batched.size(1) - 1 - start)
        yield {"input_ids": batched[:, start : start + length], "labels": batched[:, start + 1 : start + 1 + length]}


def steps_per_epoch(n_tokens: int, batch_size: int, bptt: int) -> int:
    """How many windows one epoch over ``n_tokens`` holds (for schedules that need the total)."""
    return math.ceil((n_tokens // batch_size - 1) / bptt)
