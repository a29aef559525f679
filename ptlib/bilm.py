"""ELMo's bidirectional language model (Peters et al., 2018), small enough to train on a laptop CPU.

    words -> token representation x_k (characters -> CNN -> highway -> projection; shared)
          -> forward LSTM LM:  2 layers, reads left to right, predicts the next word
          -> backward LSTM LM: 2 layers, reads right to left, predicts the previous word
          -> one softmax over the word vocabulary (shared by both directions)

Each sentence is one sequence ``<S> w_1 ... w_n </S>`` (``[CLS]`` and ``[SEP]`` in the word vocabulary), so
both directions have something to read before the first word and a word to predict at either end. The
model's use downstream is :meth:`BiLM.forward` (``model(batch)``): for every word, the token representation and both
directions' states at each LSTM layer, ``[x; x]``, ``[f_1; b_1]``, ``[f_2; b_2]``, each ``2 * dim`` wide.
:mod:`ptlib.elmo` mixes these into ELMo vectors.

Differences from the paper, for a CPU and a small corpus: widths of 32-64 instead of 512, 256 character
filters instead of 2048, LSTMs without projection layers (cells = width), one highway layer instead of two,
a layer-normalised token representation (see :class:`TokenEncoder`), and an adaptive softmax (Grave et al.,
2017) where the paper samples: both save the cost of scoring every rare word at every position. Ours is exact
(a proper distribution over the whole vocabulary), so perplexities are true perplexities.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .runtime import device as default_device
from .runtime import one_cpu_thread
from .training import History, fit
from .vocab import CLS_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, Vocab

# The sentence boundaries <S> and </S>, as tokens of the word vocabulary.
BOS, EOS = SPECIAL_TOKENS[CLS_ID], SPECIAL_TOKENS[SEP_ID]
Batch = dict[str, torch.Tensor]


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


# --- characters ------------------------------------------------------------------------------


class CharVocab:
    """Characters -> ids, with the markers ELMo wraps around every word.

    Ids 0..5 are padding, an unknown character (one never seen in training), begin- and end-of-word,
    and the two "characters" that spell the sentence boundaries <S> and </S>.
    """

    SPECIALS = ("<pad>", "<unk>", "<bow>", "<eow>", "<bos>", "<eos>")
    PAD, UNK, BOW, EOW, BOS_CHAR, EOS_CHAR = range(6)

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = sorted(set(chars))
        if any(len(c) != 1 for c in self.chars):
            raise ValueError("a CharVocab is built from single characters")
        self._index = {c: i + len(self.SPECIALS) for i, c in enumerate(self.chars)}

    @classmethod
    def build(cls, texts: Iterable[str]) -> CharVocab:
        return cls({c for text in texts for c in text if not c.isspace()})

    def __len__(self) -> int:
        return len(self.SPECIALS) + len(self.chars)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharVocab) and self.chars == other.chars

    def encode_word(self, word: str, max_chars: int) -> list[int]:
        """``[<bow>, c_1, ..., c_k, <eow>, <pad>, ...]``, exactly ``max_chars`` long (long words lose their end)."""
        if word == BOS:
            inner = [self.BOS_CHAR]
        elif word == EOS:
            inner = [self.EOS_CHAR]
        else:
            inner = [self._index.get(c, self.UNK) for c in word[: max_chars - 2]]
        ids = [self.BOW, *inner, self.EOW]
        return ids + [self.PAD] * (max_chars - len(ids))


class Batcher:
    """Tokenised sentences -> the biLM's input, each sentence wrapped in ``<S> ... </S>`` and padded on the right.

    The batch (a dict of tensors) holds:
    - ``words`` [batch, length]: word ids (the softmax targets, and the input of the word-embedding option);
    - ``mask`` [batch, length]: True at real positions, the boundaries included;
    - ``chars`` [types, max_chars]: the characters of each *distinct* token of the batch, so the CNN runs once
      per word type rather than once per occurrence; ``types`` [batch, length] picks each position's row.
    """

    def __init__(self, vocab: Vocab, char_vocab: CharVocab, max_chars: int) -> None:
        self.vocab, self.char_vocab, self.max_chars = vocab, char_vocab, max_chars
        self._char_rows: dict[str, list[int]] = {}

    def _chars(self, token: str) -> list[int]:
        row = self._char_rows.get(token)
        if row is None:
            row = self._char_rows[token] = self.char_vocab.encode_word(token, self.max_chars)
        return row

    def __call__(self, sentences: Sequence[Sequence[str]]) -> Batch:
        if len(sentences) == 0:
            raise ValueError("a batch needs at least one sentence")
        for i, sentence in enumerate(sentences):
            if isinstance(sentence, str) or len(sentence) == 0:
                raise ValueError(f"sentence {i} must be a non-empty list of tokens (text.split()), got {sentence!r}")
        length = max(len(s) for s in sentences) + 2
        words = torch.full((len(sentences), length), PAD_ID, dtype=torch.long)
        types = torch.zeros((len(sentences), length), dtype=torch.long)  # padding reads row 0: masked anyway
        mask = torch.zeros((len(sentences), length), dtype=torch.bool)
        type_index: dict[str, int] = {}
        for i, sentence in enumerate(sentences):
            tokens = [BOS, *sentence, EOS]
            words[i, : len(tokens)] = torch.tensor([self.vocab.token_to_id(t) for t in tokens])
            types[i, : len(tokens)] = torch.tensor([type_index.setdefault(t, len(type_index)) for t in tokens])
            mask[i, : len(tokens)] = True
        chars = torch.tensor([self._chars(token) for token in type_index], dtype=torch.long)
        return {"words": words, "mask": mask, "chars": chars, "types": types}


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
            x = self.embedding(batch["words"])
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
        lengths = batch["mask"].sum(1)
        forward_states = self.forward_lm(x)
        backward_states = tuple(reverse_padded(h, lengths) for h in self.backward_lm(reverse_padded(x, lengths)))
        return x, forward_states, backward_states

    def direction_losses(self, batch: Batch, reduction: str = "mean") -> tuple[torch.Tensor, torch.Tensor]:
        """Cross-entropy of the forward and of the backward LM over every word each has to predict."""
        _, (_, forward_top), (_, backward_top) = self.states(batch)
        losses = []
        for top, targets in zip((forward_top, backward_top), lm_targets(batch["words"], batch["mask"])):
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
        lengths = batch["mask"].sum(1) - 2
        word_mask = torch.arange(stack.size(2) - 2, device=stack.device) < lengths.unsqueeze(1)
        return stack[:, :, 1:-1] * word_mask[None, :, :, None], word_mask


# --- training and evaluation --------------------------------------------------------------------


def sentence_batches(sentences: Sequence[Sequence[str]], batcher: Batcher, batch_size: int,
                     rng: random.Random | None = None) -> Iterator[Batch]:
    """Batches of sentences of similar length (little padding); shuffled when given an ``rng``.

    Shuffling draws a random order, sorts it by length in pools of 50 batches, and shuffles the batches,
    so that each epoch sees different neighbours while padding stays small.
    """
    order = list(range(len(sentences)))
    if rng is not None:
        rng.shuffle(order)
    pool = 50 * batch_size
    chunks = []
    for start in range(0, len(order), pool):
        ordered = sorted(order[start : start + pool], key=lambda i: len(sentences[i]))
        chunks += [ordered[i : i + batch_size] for i in range(0, len(ordered), batch_size)]
    if rng is not None:
        rng.shuffle(chunks)
    for chunk in chunks:
        yield batcher([sentences[i] for i in chunk])


@torch.no_grad()
def perplexities(model: BiLM, batcher: Batcher, sentences: Sequence[Sequence[str]],
                 batch_size: int = 256) -> tuple[float, float]:
    """(forward, backward) perplexity on held-out sentences, each over the same n + 1 predictions a sentence."""
    was_training = model.training
    model.eval()
    target = next(model.parameters()).device
    totals, count = torch.zeros(2), 0
    for batch in sentence_batches(sentences, batcher, batch_size):
        batch = {key: value.to(target) for key, value in batch.items()}
        totals += torch.stack(model.direction_losses(batch, reduction="sum")).cpu()
        count += int(batch["mask"].sum()) - len(batch["mask"])  # n + 2 positions, n + 1 predictions
    model.train(was_training)
    forward, backward = (math.exp(total / count) for total in totals.tolist())
    return forward, backward


def train_bilm(model: BiLM, batcher: Batcher, train: Sequence[Sequence[str]],
               validation: Sequence[Sequence[str]] | None = None, *, epochs: int = 1, batch_size: int = 64,
               lr: float = 5e-3, weight_decay: float = 1e-6, seed: int = 0, progress: bool = True,
               device: torch.device | None = None) -> History:
    """Train on tokenised sentences with Adam, the rate decaying linearly to 5% of ``lr``.

    ``weight_decay`` is the paper's small L2 penalty (Adam adds ``weight_decay * w`` to each gradient).
    With a validation set, records ``forward_perplexity`` and ``backward_perplexity`` after each epoch.
    """
    if len(train) == 0:
        raise ValueError("no training sentences")
    target = device or default_device()
    rng = random.Random(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    total = epochs * math.ceil(len(train) / batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.05, 1 - step / total))

    def evaluate(m: BiLM) -> dict[str, float]:
        forward, backward = perplexities(m, batcher, validation)
        return {"forward_perplexity": forward, "backward_perplexity": backward}

    with one_cpu_thread():
        return fit(model, lambda epoch: sentence_batches(train, batcher, batch_size, rng),
                   lambda m, batch: m.loss(batch), optimizer, epochs=epochs, scheduler=schedule,
                   evaluate=evaluate if validation else None, clip_grad=1.0, device=target, progress=progress,
                   desc="biLM")
