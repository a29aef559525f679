"""ELMo's scalar mix: a task-specific weighting of a frozen biLM's layers (Peters et al., 2018, equation 1).

For word k with biLM layers h_k0 (the token representation), h_k1, h_k2:

    ELMo_k = gamma * sum_j s_j * h_kj,    s = softmax(w)

with w and gamma learned by the downstream task while the biLM stays frozen.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

N_LAYERS = 3  # the biLM's token representation and two LSTM layers


class ScalarMix(nn.Module):
    """gamma * sum_j softmax(w)_j * h_j over layers h [n_layers, ..., dim] -> [..., dim] (equation 1).

    ``layer_norm=True`` normalises each layer's vectors first (the paper does so for some tasks, when the
    layers' scales differ a lot). The weights start equal and gamma at 1: an untrained mix is the average.
    """

    def __init__(self, n_layers: int = N_LAYERS, layer_norm: bool = False) -> None:
        super().__init__()
        self.scalars = nn.Parameter(torch.zeros(n_layers))
        self.gamma = nn.Parameter(torch.ones(()))
        self.layer_norm = layer_norm

    def weights(self) -> torch.Tensor:
        """The normalised layer weights softmax(w) (a detached copy, for reading and plotting)."""
        return torch.softmax(self.scalars.detach(), 0).cpu()

    def forward(self, layers: torch.Tensor) -> torch.Tensor:
        if layers.size(0) != self.scalars.numel():
            raise ValueError(f"this mix has {self.scalars.numel()} layers, got a stack of {layers.size(0)}")
        if self.layer_norm:
            layers = F.layer_norm(layers, layers.shape[-1:])
        weights = torch.softmax(self.scalars, 0).view(-1, *[1] * (layers.dim() - 1))
        return self.gamma * (weights * layers).sum(0)
