"""An AWD-LSTM language model (Merity et al., 2018), the network inside ULMFiT.

A stack of LSTM layers between a word embedding and a softmax that shares the embedding's weights,
regularised in the five ways the paper names:

- embedding dropout: whole words are dropped from the vocabulary for a batch;
- locked (variational) dropout: one dropout mask per sequence, reused at every time step, on the
  embedding output, between layers, and on the last layer's output;
- weight drop (DropConnect): the hidden-to-hidden matrix of each LSTM is dropped, once per batch;
- tied weights: the output layer reuses the embedding matrix, so the last LSTM layer outputs
  vectors of the embedding's size.

One option the paper does not have: ``softmax_cutoffs`` makes the tied softmax adaptive (Grave et al., 2017).
Scoring every word of a 6,700-word vocabulary at every position is most of the cost of a training step on a
CPU; the adaptive softmax scores the frequent words at every position and a cluster of rarer words only where
the next word is in it (``benchmarks/lm_softmax.py``). It is exact (a proper distribution over the whole
vocabulary) and still tied to the embedding.

All dropout is active in ``model.train()`` and off in ``model.eval()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class LMConfig:
    vocab_size: int
    embedding: int = 128
    hidden: int = 256
    layers: int = 2
    embedding_dropout: float = 0.05  # probability of dropping a word type
    input_dropout: float = 0.2  # locked dropout on the embeddings
    hidden_dropout: float = 0.15  # locked dropout between LSTM layers
    weight_dropout: float = 0.2  # DropConnect on hidden-to-hidden weights
    output_dropout: float = 0.2  # locked dropout on the last layer's output
    tie_weights: bool = True  # the full softmax only
    # Non-empty: an adaptive softmax whose clusters start at these word ids (the vocabulary is sorted by
    # frequency); empty: the paper's softmax over every word.
    softmax_cutoffs: tuple[int, ...] = ()


class LockedDropout(nn.Module):
    """Dropout with one mask per sequence, shared across time: x [batch, time, features]."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        mask = x.new_empty(x.size(0), 1, x.size(2)).bernoulli_(1 - self.p) / (1 - self.p)
        return x * mask  # the [batch, 1, features] mask broadcasts over time


def embedding_dropout(embedding: nn.Embedding, words: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """Look up ``words`` [batch, time] after dropping whole rows (word types) of the embedding."""
    weight = embedding.weight
    if training and p > 0:
        keep = weight.new_empty(weight.size(0), 1).bernoulli_(1 - p) / (1 - p)
        weight = weight * keep
    return F.embedding(words, weight, embedding.padding_idx)


class WeightDropLSTM(nn.Module):
    """One LSTM layer whose hidden-to-hidden weights get DropConnect in training.

    The trainable matrix lives here as ``weight_hh_raw``; before each forward pass a (dropped)
    copy is handed to the wrapped ``nn.LSTM``, which keeps its fast fused implementation.
    """

    def __init__(self, input_size: int, hidden_size: int, weight_dropout: float):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.weight_dropout = weight_dropout
        self.weight_hh_raw = nn.Parameter(self.lstm.weight_hh_l0.detach().clone())
        del self.lstm._parameters["weight_hh_l0"]  # replaced by a plain tensor set in forward
        self.lstm.weight_hh_l0 = self.weight_hh_raw.detach().clone()

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None):
        p = self.weight_dropout if self.training else 0.0
        # nn.LSTM's __setattr__ routes this tensor into the weights its fused kernel uses.
        # Always a new tensor: handing over the Parameter itself would register it with nn.LSTM.
        self.lstm.weight_hh_l0 = F.dropout(self.weight_hh_raw, p=p) if p > 0 else self.weight_hh_raw.clone()
        return self.lstm(x, state)


State = list[tuple[torch.Tensor, torch.Tensor]]


class AWDLSTMEncoder(nn.Module):
    """Embedding + stacked weight-dropped LSTMs. Returns every layer's output, for pooling or mixing."""

    def __init__(self, config: LMConfig, pad_id: int = 0):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding, padding_idx=pad_id)
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        sizes = [config.embedding] + [config.hidden] * (config.layers - 1)
        outputs = sizes[1:] + [config.embedding if config.tie_weights else config.hidden]
        self.rnns = nn.ModuleList(
            WeightDropLSTM(i, o, config.weight_dropout) for i, o in zip(sizes, outputs)
        )
        self.input_dropout = LockedDropout(config.input_dropout)
        self.hidden_dropout = LockedDropout(config.hidden_dropout)

    @property
    def output_size(self) -> int:
        return self.config.embedding if self.config.tie_weights else self.config.hidden

    def layer_groups(self) -> list[nn.Module]:
        """Embedding first, then each LSTM layer: the units of discriminative rates and unfreezing."""
        return [self.embedding, *self.rnns]

    def forward(self, words: torch.Tensor, state: State | None = None) -> tuple[list[torch.Tensor], State]:
        # words: [batch, time] -> layer outputs: [embeddings, lstm_1, ..., lstm_L], each [batch, time, size]
        x = embedding_dropout(self.embedding, words, self.config.embedding_dropout, self.training)
        layer_outputs = [x]
        x = self.input_dropout(x)
        new_state: State = []
        for index, rnn in enumerate(self.rnns):
            x, layer_state = rnn(x, None if state is None else state[index])
            new_state.append(layer_state)
            layer_outputs.append(x)
            if index < len(self.rnns) - 1:
                x = self.hidden_dropout(x)
        return layer_outputs, new_state


class AdaptiveSoftmax(nn.Module):
    """An adaptive softmax (Grave et al., 2017) whose word vectors are a tied matrix ``weight`` [vocab, width].

    The ``cutoffs`` split the vocabulary (sorted by frequency) into a head of frequent words and tail clusters.
    The head scores its words and one entry per cluster; a word in cluster c gets
    log P(c) + log P(word | c), so the result is an exact distribution over the whole vocabulary. Training
    pays for a cluster only at the positions whose next word is in it: rare words are rarely scored.
    """

    def __init__(self, weight: nn.Parameter, cutoffs: list[int]) -> None:
        super().__init__()
        vocab_size, width = weight.shape
        self.weight = weight  # the embedding's matrix itself
        self.bounds = [0, *cutoffs, vocab_size]  # cluster c holds words bounds[c + 1] .. bounds[c + 2] - 1
        self.bias = nn.Parameter(torch.zeros(vocab_size))
        self.cluster = nn.Linear(width, len(cutoffs))  # the head's scores for "the word is in cluster c"

    def _scores(self, h: torch.Tensor, start: int, end: int) -> torch.Tensor:
        return h @ self.weight[start:end].T + self.bias[start:end]  # [positions, end - start]

    def _head(self, h: torch.Tensor) -> torch.Tensor:
        # h [positions, width] -> log-probabilities of the head's words and of each cluster
        return F.log_softmax(torch.cat([self._scores(h, 0, self.bounds[1]), self.cluster(h)], -1), -1)

    def log_prob(self, h: torch.Tensor) -> torch.Tensor:
        """Log-probabilities of every word, [positions, vocab]."""
        head = self._head(h)
        parts, head_size = [head[:, : self.bounds[1]]], self.bounds[1]
        for c, (start, end) in enumerate(zip(self.bounds[1:-1], self.bounds[2:])):
            parts.append(head[:, head_size + c, None] + F.log_softmax(self._scores(h, start, end), -1))
        return torch.cat(parts, -1)

    def forward(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """-log P(target) at each position, [positions]; each cluster is scored only where a target is in it."""
        head = self._head(h)
        head_size = self.bounds[1]
        nll = -head.gather(1, targets.clamp(max=head_size - 1)[:, None]).squeeze(1)
        for c, (start, end) in enumerate(zip(self.bounds[1:-1], self.bounds[2:])):
            rows = ((targets >= start) & (targets < end)).nonzero().squeeze(1)
            if len(rows):
                within = F.log_softmax(self._scores(h[rows], start, end), -1)
                picked = within.gather(1, (targets[rows] - start)[:, None]).squeeze(1)
                nll = nll.index_put((rows,), -(head[rows, head_size + c] + picked))
        return nll


class AWDLSTMLanguageModel(nn.Module):
    """Predicts the next word at every position.

    ``model(words)`` gives scores [batch, time, vocab] whose softmax is the next word's distribution (with
    the adaptive softmax they are the log-probabilities themselves). Training reads :meth:`top` instead, so
    that the adaptive softmax never scores every word (``ptlib.train.language_model.language_model_loss``).
    """

    def __init__(self, config: LMConfig, pad_id: int = 0):
        super().__init__()
        self.config = config
        self.encoder = AWDLSTMEncoder(config, pad_id)
        self.output_dropout = LockedDropout(config.output_dropout)
        self.adaptive = bool(config.softmax_cutoffs)
        if self.adaptive:
            if not config.tie_weights:
                raise ValueError("the adaptive softmax scores words with the embedding matrix: it needs tie_weights")
            cutoffs = [c for c in config.softmax_cutoffs if c < config.vocab_size - 1] or [config.vocab_size - 1]
            self.decoder = AdaptiveSoftmax(self.encoder.embedding.weight, cutoffs)
        else:
            self.decoder = nn.Linear(self.encoder.output_size, config.vocab_size)
            if config.tie_weights:
                self.decoder.weight = self.encoder.embedding.weight  # one matrix for reading and writing words

    def top(self, words: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """The last layer's output after dropout, [batch, time, output_size]: what the softmax reads."""
        layer_outputs, state = self.encoder(words, state)
        return self.output_dropout(layer_outputs[-1]), state

    def forward(self, words: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        top, state = self.top(words, state)
        if self.adaptive:  # [batch * time, vocab] -> [batch, time, vocab]
            return self.decoder.log_prob(top.flatten(0, 1)).view(*top.shape[:2], -1), state
        return self.decoder(top), state


def detach(state: State) -> State:
    """Cut the graph between BPTT windows while keeping the hidden state's values."""
    return [(h.detach(), c.detach()) for h, c in state]
