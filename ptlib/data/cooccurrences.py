"""Co-occurrence counts, the input of GloVe: how often, and how close, each pair of words appears together.

``X_ij = sum 1/d`` over every pair of tokens ``d <= window`` apart in the same sentence (Pennington et al., 2014).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch

from ..runtime import one_cpu_thread
from .vocab import SPECIAL_TOKENS, UNK_ID, Vocab


@dataclass
class Cooccurrences:
    """The non-zero entries of the symmetric co-occurrence matrix X, as COO tensors (sorted by row, then col)."""

    rows: torch.Tensor  # int64 [nnz]
    cols: torch.Tensor  # int64 [nnz]
    values: torch.Tensor  # float32 [nnz], X_ij > 0
    vocab_size: int

    def __len__(self) -> int:
        return self.values.numel()


def cooccurrences(texts: Iterable[str], vocab: Vocab, window: int = 10) -> Cooccurrences:
    """Count ``X_ij = sum 1/d`` over every pair of tokens ``d <= window`` apart in the same text.

    Both orders count, so X is symmetric (a word twice in one window adds ``2/d`` to its diagonal entry).
    Unknown words and special tokens are left out but keep their place, so distances are those in the text.
    Vectorised: one pass per distance over the whole token stream, then sorting to merge duplicate pairs.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be an iterable of sentences, not one string")
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    index = {token: i for i, token in enumerate(vocab.tokens)}
    ids, lengths = [], []
    for text in texts:
        tokens = text.split()
        ids.extend(index.get(token, UNK_ID) for token in tokens)
        lengths.append(len(tokens))
    size = len(vocab)
    stream = torch.tensor(ids, dtype=torch.int64)
    sentence = torch.repeat_interleave(torch.arange(len(lengths)), torch.tensor(lengths, dtype=torch.int64))
    usable = stream >= len(SPECIAL_TOKENS)
    keys, weights = [], []
    with one_cpu_thread():
        for distance in range(1, window + 1):
            left, right = stream[:-distance], stream[distance:]
            keep = (sentence[:-distance] == sentence[distance:]) & usable[:-distance] & usable[distance:]
            keys.append(left[keep] * size + right[keep])
            weights.append(torch.full((int(keep.sum()),), 1.0 / distance, dtype=torch.float64))
        # Merge the left-to-right pairs first, then add the transpose: sorting the (much smaller) merged set
        # twice costs less than sorting every pair in both orders.
        one_way, one_way_values = _merge(torch.cat(keys), torch.cat(weights))
        transposed = (one_way % size) * size + one_way // size
        both, values = _merge(torch.cat([one_way, transposed]), torch.cat([one_way_values, one_way_values]))
    return Cooccurrences(both // size, both % size, values.float(), size)


def _merge(keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    unique, inverse = torch.unique(keys, return_inverse=True)
    return unique, torch.zeros(unique.numel(), dtype=values.dtype).index_add_(0, inverse, values)
