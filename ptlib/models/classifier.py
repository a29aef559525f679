"""Classifiers on a word-level encoder, as in ULMFiT, and a linear probe on fixed features.

:class:`LSTMClassifier`: the encoder reads the text; *concat pooling* summarises its last layer as
``[last real state; max over time; mean over time]`` (padding excluded from all three); a small head maps that
to class scores. Pair tasks read ``text [SEP] text_pair`` as one sequence. Notebook 01 uses it three ways:
from scratch (a fresh encoder), with features (a frozen pre-trained encoder), and fine-tuned (trained end to end).
"""

from __future__ import annotations

import torch
from torch import nn

from .awd_lstm import AWDLSTMEncoder
from .pooling import ConcatPooling


class LSTMClassifier(nn.Module):
    """Encoder -> concat pooling -> head. ``hidden=0`` makes the head a single linear layer.

    With ``bptt`` set, a long document is read as ULMFiT reads it ("BPTT for text classification"):
    in windows of ``bptt`` tokens, each window starting from the state the previous one ended in, with
    every window's outputs kept for pooling. ``grad_windows`` lets only the last windows back-propagate
    (earlier ones run without a graph), which bounds memory for documents of any length.
    """

    def __init__(self, encoder: AWDLSTMEncoder, n_classes: int, hidden: int = 50, dropout: float = 0.1,
                 bptt: int | None = None, grad_windows: int | None = None):
        super().__init__()
        if bptt is not None and bptt < 1:
            raise ValueError(f"bptt must be a positive number of tokens, got {bptt}")
        if grad_windows is not None and grad_windows < 1:
            raise ValueError(f"grad_windows must be at least 1, got {grad_windows}")
        self.encoder = encoder
        self.pooling = ConcatPooling()
        self.bptt, self.grad_windows = bptt, grad_windows
        features = 3 * encoder.output_size
        if hidden:
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(features, hidden), nn.ReLU(),
                                      nn.Dropout(dropout), nn.Linear(hidden, n_classes))
        else:
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(features, n_classes))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # input_ids, attention_mask: [batch, time] -> logits [batch, n_classes]
        if input_ids.dim() != 2 or input_ids.numel() == 0:
            raise ValueError(f"expected a non-empty [batch, time] batch of token ids, got {tuple(input_ids.shape)}")
        return self.head(self.pooling(self.read(input_ids), attention_mask))

    def read(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The last layer's outputs [batch, time, size], in BPTT windows when ``bptt`` is set."""
        if self.bptt is None or input_ids.size(1) <= self.bptt:
            return self.encoder(input_ids)[0][-1]
        starts = list(range(0, input_ids.size(1), self.bptt))
        first_with_grad = 0 if self.grad_windows is None else max(0, len(starts) - self.grad_windows)
        outputs, state = [], None
        for index, start in enumerate(starts):
            with torch.set_grad_enabled(torch.is_grad_enabled() and index >= first_with_grad):
                layer_outputs, state = self.encoder(input_ids[:, start : start + self.bptt], state)
            outputs.append(layer_outputs[-1])
        return torch.cat(outputs, 1)


class LinearProbe(nn.Module):
    """A linear classifier on fixed features, standardised with the training set's mean and spread."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor, n_classes: int):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.linear = nn.Linear(mean.numel(), n_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear((features - self.mean) / self.std)
