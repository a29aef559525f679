"""Pooling a sequence of vectors into one, over the real tokens only (padding never counts)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

POOLS = ("last", "max", "mean")


def masked_pool(outputs: torch.Tensor, mask: torch.Tensor, pools: Sequence[str] = POOLS) -> torch.Tensor:
    """[batch, time, size] + mask [batch, time] (True = real) -> [batch, len(pools) * size].

    ``last`` is the last real token's vector, ``max`` and ``mean`` are taken over the real tokens.
    """
    if unknown := [pool for pool in pools if pool not in POOLS]:
        raise ValueError(f"unknown pooling {unknown}; choose from {', '.join(POOLS)}")
    lengths = mask.sum(1)
    if (lengths == 0).any():
        raise ValueError("a sequence in the batch has no tokens: every text needs at least one")
    real = mask.unsqueeze(-1)
    pooled = {
        "last": lambda: outputs[torch.arange(outputs.size(0)), lengths - 1],
        "max": lambda: outputs.masked_fill(~real, float("-inf")).max(1).values,
        "mean": lambda: (outputs * real).sum(1) / lengths.unsqueeze(-1),
    }
    return torch.cat([pooled[pool]() for pool in pools], -1)


class ConcatPooling(nn.Module):
    """ULMFiT's concat pooling: ``[last; max; mean]`` of the last layer's states, [batch, 3 * size]."""

    def forward(self, outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return masked_pool(outputs, mask, POOLS)
