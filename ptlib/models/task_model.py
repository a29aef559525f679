"""The downstream model of notebook 04's baseline vs +ELMo table: per-token vectors -> BiLSTM -> pooling -> classes."""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..data.vocab import PAD_ID
from .pooling import masked_pool
from .scalar_mix import N_LAYERS, ScalarMix

INPUTS = ("embedding", "elmo", "embedding+elmo")


class TaskModel(nn.Module):
    """Per-token vectors -> dropout -> BiLSTM -> max and mean pooling over tokens -> linear classifier.

    ``inputs`` chooses the vectors: ``"embedding"`` (the baseline: word embeddings learned from the labels
    only, or frozen pre-trained ``word_vectors`` such as GloVe, as in the paper's baselines), ``"elmo"`` (the
    ELMo mix of the frozen biLM's layers), or ``"embedding+elmo"`` (both, concatenated, as the paper adds ELMo
    to a baseline's input). ``layers="top"`` gives ELMo only the top biLM layer (scaled by a learned gamma)
    instead of the mix of all three. ``hidden=0`` drops the BiLSTM: the classifier reads pooled input vectors.
    """

    def __init__(self, vocab_size: int, n_classes: int, *, inputs: str = "embedding+elmo", elmo_dim: int = 0,
                 layers: Literal["mix", "top"] = "mix", layer_norm: bool = False, embedding: int = 64,
                 word_vectors: torch.Tensor | None = None, hidden: int = 64, dropout: float = 0.1) -> None:
        super().__init__()
        if inputs not in INPUTS:
            raise ValueError(f"inputs must be one of {', '.join(INPUTS)}, got {inputs!r}")
        if layers not in ("mix", "top"):
            raise ValueError(f"layers must be 'mix' or 'top', got {layers!r}")
        self.use_embedding, self.use_elmo = "embedding" in inputs, "elmo" in inputs
        if self.use_elmo and elmo_dim <= 0:
            raise ValueError("ELMo inputs need elmo_dim, the width of the biLM's layers (PretrainedBiLM.dim)")
        self.top_only = layers == "top"
        width = 0
        if self.use_embedding:
            if word_vectors is None:
                self.embedding = nn.Embedding(vocab_size, embedding, padding_idx=PAD_ID)
            elif word_vectors.size(0) != vocab_size:
                raise ValueError(f"word_vectors has {word_vectors.size(0)} rows for a vocabulary of {vocab_size}")
            else:
                self.embedding = nn.Embedding.from_pretrained(word_vectors.float(), freeze=True, padding_idx=PAD_ID)
            width += self.embedding.embedding_dim
        if self.use_elmo:
            self.mix = ScalarMix(1 if self.top_only else N_LAYERS, layer_norm)
            width += elmo_dim
        self.dropout = nn.Dropout(dropout)
        self.encoder = nn.LSTM(width, hidden, batch_first=True, bidirectional=True) if hidden else None
        self.classifier = nn.Linear(2 * (2 * hidden if hidden else width), n_classes)  # [max; mean]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # input_ids, attention_mask [batch, time]; layers [3, batch, time, elmo_dim] -> logits [batch, n_classes]
        parts = []
        if self.use_embedding:
            parts.append(self.embedding(batch["input_ids"]))
        if self.use_elmo:
            layers = batch["layers"]
            parts.append(self.mix(layers[-1:] if self.top_only else layers))
        x = self.dropout(torch.cat(parts, -1))
        lengths = batch["attention_mask"].sum(1)
        states = x
        if self.encoder is not None:
            # Packing keeps the backward direction from reading the padding before the real tokens.
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            states, _ = pad_packed_sequence(self.encoder(packed)[0], batch_first=True, total_length=x.size(1))
        return self.classifier(self.dropout(masked_pool(states, batch["attention_mask"], ("max", "mean"))))
