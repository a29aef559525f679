"""GloVe's model: two vectors and two biases per word, fitted to log co-occurrence counts.

For words i and j the model predicts ``w_i . w~_j + b_i + b~_j ~ log X_ij`` (Pennington et al., 2014). The word
vectors are ``W + W~``: one vector per word *type*, whatever sense an occurrence has, the "global" side of
notebook 05's comparison with contextual vectors. The counts come from :mod:`ptlib.data.cooccurrences`, the
weighted least-squares loss from :mod:`ptlib.train.objectives`, the fit from :mod:`ptlib.train.glove`.
"""

from __future__ import annotations

import torch
from torch import nn


class GloVeModel(nn.Module):
    """``w``, ``w_tilde`` [vocab, dim] and ``b``, ``b_tilde`` [vocab]."""

    def __init__(self, vocab_size: int, dim: int, generator: torch.Generator | None = None) -> None:
        super().__init__()

        def start(*shape: int) -> nn.Parameter:
            # The reference implementation's start: uniform in [-0.5, 0.5] / dim.
            return nn.Parameter((torch.rand(*shape, generator=generator) - 0.5) / dim)

        self.w, self.w_tilde = start(vocab_size, dim), start(vocab_size, dim)
        self.b, self.b_tilde = start(vocab_size), start(vocab_size)

    def forward(self, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
        # rows, cols [pairs] -> the predicted log count of each pair [pairs]
        return (self.w[rows] * self.w_tilde[cols]).sum(-1) + self.b[rows] + self.b_tilde[cols]

    def vectors(self) -> torch.Tensor:
        """The word vectors W + W~ [vocab, dim], on the CPU."""
        return (self.w + self.w_tilde).detach().cpu()
