"""ELMo's bidirectional language model (Peters et al., 2018), small enough to train on a laptop CPU.

    words -> token representation x_k (characters -> CNN -> highway -> projection; shared)
          -> forward LSTM LM:  2 layers, reads left to right, predicts the next word
          -> backward LSTM LM: 2 layers, reads right to left, predicts the previous word
          -> one softmax over the word vocabulary (shared by both directions)

Each sentence is one sequence ``<S> w_1 ... w_n </S>`` (``[CLS]`` and ``[SEP]`` in the word vocabulary), so
both directions have something to read before the first word and a word to predict at either end. The
model's use downstream is :meth:`BiLM.forward` (``model(batch)``): for every word, the token representation and both
directions' states at each LSTM layer, ``[x; x]``, ``[f_1; b_1]``, ``[f_2; b_2]``, each ``2 * dim`` wide.
The scalar mix (:mod:`ptlib.models.scalar_mix`) turns these into ELMo vectors. Its input, a batch of
``input_ids``, ``attention_mask`` and the characters of each word, comes from :mod:`ptlib.data.characters`;
its training from :mod:`ptlib.train.bilm`.

Differences from the paper, for a CPU and a small corpus: widths of 32-64 instead of 512, 256 character
filters instead of 2048, LSTMs without projection layers (cells = width), one highway layer instead of two,
a layer-normalised token representation (see :class:`TokenEncoder`), and an adaptive softmax (Grave et al.,
2017) where the paper samples: both save the cost of scoring every rare word at every position. Ours is exact
(a proper distribution over the whole vocabulary), so perplexities are true perplexities.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..data.characters import Batch, CharVocab
from ..data.vocab import PAD_ID


@dataclass(frozen=True)
class BiLMConfig:
    vocab_size: int  # the softmax's words
    char_vocab_size: int
    dim: int = 64  # token representation and every LSTM layer, per direction
    char_inputs: bool = True  # False: a plain word embedding instead of the character CNN
    char_embedding: int = 16
    char_filters: tuple[tuple[int, int], ...] = ((1, 32), (2, 32), (3, 64), (4, 64), (5, 64))  # (width, count)
    highway_layers: int = 1
    max_chars: int = 16  # per word, the begin/end-of-word markers included; longer words are cut
    dropout: float = 0.1
    # Adaptive softmax: the 200 most frequent words (77% of the corpus) are scored at full width, rarer ones
    # in smaller clusters; cutoffs past the vocabulary are dropped.
    softmax_cutoffs: tuple[int, ...] = (200, 800)

    def __post_init__(self) -> None:
        widest = max(width for width, _ in self.char_filters)
        if self.max_chars < max(widest, 3):
            raise ValueError(f"max_chars={self.max_chars} is shorter than the widest filter ({widest}) "
                             f"or than one character between its two markers")

    def to_dict(self) -> dict:
        return asdict(self)


# --- the token representation ------------------------------------------------------------------


class Highway(nn.Module):
    """y = g * relu(W x) + (1 - g) * x, with a gate g = sigmoid(W_g x) per unit (Srivastava et al., 2015)."""

    def __init__(self, size: int, layers: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(size, 2 * size) for _ in range(layers))
        for layer in self.layers:
            nn.init.constant_(layer.bias[size:], -1.0)  # gates start mostly closed: the layer starts near identity

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            transform, gate = layer(x).chunk(2, dim=-1)
            gate = torch.sigmoid(gate)
            x = gate * F.relu(transform) + (1 - gate) * x
        return x


class CharCNN(nn.Module):
    """chars [types, max_chars] -> [types, dim]: char embeddings, convolutions of several widths, each
    max-pooled over the word's positions (a filter fires if its character n-gram is anywhere in the word),
    highway layers, and a linear projection. Any word, seen or not, gets a vector."""

    def __init__(self, config: BiLMConfig) -> None:
        super().__init__()
        self.embedding = nn.Embedding(config.char_vocab_size, config.char_embedding, padding_idx=CharVocab.PAD)
        self.convolutions = nn.ModuleList(
            nn.Conv1d(config.char_embedding, count, width) for width, count in config.char_filters
        )
        filters = sum(count for _, count in config.char_filters)
        self.highway = Highway(filters, config.highway_layers)
        self.projection = nn.Linear(filters, config.dim)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        x = self.embedding(chars).transpose(1, 2)  # [types, char_embedding, max_chars]: Conv1d wants channels first
        pooled = [conv(x).max(dim=-1).values for conv in self.convolutions]  # each [types, count]
        return self.projection(self.highway(F.relu(torch.cat(pooled, dim=-1))))


class TokenEncoder(nn.Module):
    """The context-free token representation x_k [batch, length, dim]: the char CNN, or a word embedding.

    Its vectors are layer-normalised (no learned gain): unchecked, the CNN's outputs grew to ten times the
    size of the LSTM states, which saturated the LSTMs' gates and let layer 0 drown the others in an ELMo mix.
    """

    def __init__(self, config: BiLMConfig) -> None:
        super().__init__()
        self.char_inputs = config.char_inputs
        if config.char_inputs:
            self.cnn = CharCNN(config)
        else:
            self.embedding = nn.Embedding(config.vocab_size, config.dim, padding_idx=PAD_ID)

    def forward(self, batch: Batch) -> torch.Tensor:
        if self.char_inputs:
            x = self.cnn(batch["chars"])[batch["types"]]  # one CNN pass per word type, then scattered
        else:
            x = self.embedding(batch["input_ids"])
        return F.layer_norm(x, x.shape[-1:])


# --- the two language models -------------------------------------------------------------------


class LSTMStack(nn.Module):
    """Two LSTM layers reading left to right; the second adds its input to its output (a residual connection)."""

    def __init__(self, dim: int, dropout: float) -> None:
        super().__init__()
        self.first = nn.LSTM(dim, dim, batch_first=True)
        self.second = nn.LSTM(dim, dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # x [batch, length, dim] -> (h_1, h_2), each [batch, length, dim]; h at t has read x_1..x_t only
        h1, _ = self.first(self.dropout(x))
        h2, _ = self.second(self.dropout(h1))
        return h1, h2 + h1


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence of x [batch, length, ...] within its own length; padding stays on the right.

    Its own inverse. Running a left-to-right LSTM between two reversals reads every sentence right to left,
    and since padding stays after the real tokens it never reaches them.
    """
    positions = torch.arange(x.size(1), device=x.device).expand(x.size(0), -1)
    last = (lengths.to(x.device) - 1).unsqueeze(1)
    index = torch.where(positions <= last, last - positions, positions)
    return x.gather(1, index.view(*index.shape, *[1] * (x.dim() - 2)).expand_as(x))


def lm_targets(words: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """What each position predicts, [batch, length] each, ``PAD_ID`` where there is nothing to predict.

    forward[t] = word t+1 (the last position, </S>, predicts nothing); backward[t] = word t-1 (the first
    position, <S>, predicts nothing). Padding positions predict nothing in either direction.
    """
    forward = torch.full_like(words, PAD_ID)
    backward = torch.full_like(words, PAD_ID)
    forward[:, :-1] = words[:, 1:].masked_fill(~(mask[:, 1:] & mask[:, :-1]), PAD_ID)
    backward[:, 1:] = words[:, :-1].masked_fill(~(mask[:, 1:] & mask[:, :-1]), PAD_ID)
    return forward, backward


class BiLM(nn.Module):
    """Shared token representation -> forward and backward 2-layer LSTM LMs -> shared softmax."""

    def __init__(self, config: BiLMConfig) -> None:
        super().__init__()
        self.config = config
        self.token_encoder = TokenEncoder(config)
        self.forward_lm = LSTMStack(config.dim, config.dropout)
        self.backward_lm = LSTMStack(config.dim, config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        # One softmax for both directions, as in the paper, tied to nothing: the char CNN has no word matrix
        # to share, and leaving the word-embedding option untied too keeps the flag a change of input only.
        # (The vocabulary is sorted by frequency, which is what the adaptive softmax's clusters assume.)
        cutoffs = [c for c in config.softmax_cutoffs if c < config.vocab_size - 1] or [config.vocab_size - 1]
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(config.dim, config.vocab_size, cutoffs, div_value=4.0)

    def states(self, batch: Batch) -> tuple[torch.Tensor, tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
        """x and each direction's (h_1, h_2), all [batch, length, dim], over the whole ``<S> ... </S>`` sequence."""
        x = self.token_encoder(batch)
        lengths = batch["attention_mask"].sum(1)
        forward_states = self.forward_lm(x)
        backward_states = tuple(reverse_padded(h, lengths) for h in self.backward_lm(reverse_padded(x, lengths)))
        return x, forward_states, backward_states

    def direction_losses(self, batch: Batch, reduction: str = "mean") -> tuple[torch.Tensor, torch.Tensor]:
        """Cross-entropy of the forward and of the backward LM over every word each has to predict."""
        _, (_, forward_top), (_, backward_top) = self.states(batch)
        losses = []
        for top, targets in zip((forward_top, backward_top), lm_targets(batch["input_ids"], batch["attention_mask"])):
            keep = targets != PAD_ID  # the softmax runs only where there is a word to predict
            nll = -self.softmax(self.dropout(top[keep]), targets[keep]).output  # [predictions]: -log P(target)
            losses.append(nll.sum() if reduction == "sum" else nll.mean())
        return losses[0], losses[1]

    def loss(self, batch: Batch) -> torch.Tensor:
        """The training loss: the mean of the forward and the backward negative log-likelihood."""
        forward, backward = self.direction_losses(batch)
        return (forward + backward) / 2

    def forward(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Every layer for every word: ([3, batch, words, 2 * dim], word mask [batch, words]).

        Layer 0 is ``[x; x]`` (the token representation twice, so every layer has the same width), layer j is
        ``[f_j; b_j]``. The boundary tokens are dropped: position i is word i of the sentence. Padding is zero.
        """
        x, forward_states, backward_states = self.states(batch)
        stack = torch.stack([torch.cat([x, x], -1)]
                            + [torch.cat([f, b], -1) for f, b in zip(forward_states, backward_states)])
        lengths = batch["attention_mask"].sum(1) - 2
        word_mask = torch.arange(stack.size(2) - 2, device=stack.device) < lengths.unsqueeze(1)
        return stack[:, :, 1:-1] * word_mask[None, :, :, None], word_mask
