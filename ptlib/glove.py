"""GloVe: global word vectors from a weighted least-squares fit to log co-occurrence counts.

One vector per word *type*, whatever sense an occurrence has: the "global" side of notebook 05's comparison
with contextual vectors. The recipe follows Pennington et al. (2014):

- count co-occurrences ``X_ij`` in a symmetric window of 10 words, each pair weighted by 1/distance;
- fit ``w_i . w~_j + b_i + b~_j ~ log X_ij`` over the non-zero entries, each weighted by
  ``f(X_ij) = min(1, (X_ij / x_max) ** alpha)`` with ``x_max = 100``, ``alpha = 3/4``;
- AdaGrad with an initial rate of 0.05; the word vectors are ``W + W~``.

``pretrained_glove()`` trains on the general corpus with the course's shared vocabulary and caches the result;
``load_glove_text()`` reads the published vectors (``glove.6B.100d.txt`` ...) for anyone who downloads them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from . import cache, config, data, pretrained
from .runtime import device as default_device
from .runtime import one_cpu_thread
from .vocab import SPECIAL_TOKENS, UNK_ID, Vocab

# Published settings (Pennington et al., 2014, section 4.2).
WINDOW = 10
X_MAX = 100.0
ALPHA = 0.75
LEARNING_RATE = 0.05
CACHE_NAME = "pretrained-glove"
# Bump to retrain every cached GloVe model after a change that the recipe does not capture.
RECIPE_VERSION = 1


class GloVeFileError(ValueError):
    """A GloVe text file that cannot be read: missing, empty, or with a malformed line."""


@dataclass
class Cooccurrences:
    """The non-zero entries of the symmetric co-occurrence matrix X, as COO tensors (sorted by row, then col)."""

    rows: torch.Tensor  # int64 [nnz]
    cols: torch.Tensor  # int64 [nnz]
    values: torch.Tensor  # float32 [nnz], X_ij > 0
    vocab_size: int

    def __len__(self) -> int:
        return self.values.numel()


@dataclass
class GloVe:
    """Word vectors with their vocabulary: row ``i`` of ``vectors`` belongs to ``vocab.id_to_token(i)``."""

    vectors: torch.Tensor  # float32 [len(vocab), dim]
    vocab: Vocab
    # True for words that have a real vector: seen in the training text (or present in the loaded file).
    # The others (special tokens, words of the review texts only) keep their random start or zeros.
    observed: torch.Tensor  # bool [len(vocab)]
    losses: list[float] = field(default_factory=list)  # per epoch: mean weighted squared error per entry
    seconds: float = 0.0  # time to count and train


def cooccurrences(texts: Iterable[str], vocab: Vocab, window: int = WINDOW) -> Cooccurrences:
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


def weighting(x: torch.Tensor, x_max: float = X_MAX, alpha: float = ALPHA) -> torch.Tensor:
    """GloVe's f(x) = (x / x_max) ** alpha, capped at 1: rare pairs count less, frequent ones no more than 1."""
    return torch.clamp(x / x_max, max=1.0) ** alpha


def glove_loss(
    w: torch.Tensor,
    w_tilde: torch.Tensor,
    b: torch.Tensor,
    b_tilde: torch.Tensor,
    rows: torch.Tensor,
    cols: torch.Tensor,
    values: torch.Tensor,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
) -> torch.Tensor:
    """J = sum over the given entries of f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij) ** 2 (a scalar)."""
    prediction = (w[rows] * w_tilde[cols]).sum(-1) + b[rows] + b_tilde[cols]
    return (weighting(values, x_max, alpha) * (prediction - values.log()) ** 2).sum()


def train_glove(
    counts: Cooccurrences,
    dim: int,
    epochs: int,
    batch_size: int = 4096,
    lr: float = LEARNING_RATE,
    seed: int = 0,
    progress: bool = True,
    device: torch.device | None = None,
) -> tuple[torch.Tensor, list[float]]:
    """Fit GloVe to ``counts``: (vectors W + W~ on the CPU [vocab, dim], mean loss per entry for each epoch).

    Each epoch visits every non-zero entry once, in shuffled mini-batches; AdaGrad adapts the rate per
    parameter, which matters here because frequent words get far more updates than rare ones.
    """
    if len(counts) == 0:
        raise ValueError("no co-occurrences to fit: are the texts empty, or all out of the vocabulary?")
    if dim < 1 or epochs < 1 or batch_size < 1:
        raise ValueError(f"dim, epochs and batch_size must be positive, got {dim}, {epochs}, {batch_size}")
    target = device or default_device()
    generator = torch.Generator().manual_seed(seed)
    size = counts.vocab_size

    def start(*shape: int) -> torch.Tensor:
        # The reference implementation's start: uniform in [-0.5, 0.5] / dim.
        return ((torch.rand(*shape, generator=generator) - 0.5) / dim).to(target).requires_grad_()

    w, w_tilde, b, b_tilde = start(size, dim), start(size, dim), start(size), start(size)
    # Squared-gradient sums start at 0, so every parameter's first step has size lr; starting them at 1 (as the
    # reference C code does) left the quick-mode vectors visibly worse after the same number of epochs.
    optimizer = torch.optim.Adagrad([w, w_tilde, b, b_tilde], lr=lr)
    rows, cols, values = counts.rows.to(target), counts.cols.to(target), counts.values.to(target)
    losses = []
    bar = tqdm(range(epochs), desc="GloVe", disable=not progress, leave=False)
    with one_cpu_thread():
        for _ in bar:
            order = torch.randperm(len(counts), generator=generator).to(target)
            total = torch.zeros((), device=target)
            for batch in order.split(batch_size):
                loss = glove_loss(w, w_tilde, b, b_tilde, rows[batch], cols[batch], values[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += loss.detach()
            losses.append(total.item() / len(counts))  # one sync per epoch, not per step
            bar.set_postfix(loss=f"{losses[-1]:.4f}")
    return (w + w_tilde).detach().cpu(), losses


def glove_recipe(sizes: config.Sizes, seed: int) -> dict:
    """Everything that determines the trained vectors: the cache key."""
    return {"recipe": RECIPE_VERSION, "seed": seed, "corpus_sentences": sizes.corpus_sentences,
            "reviews_unlabelled": sizes.reviews_unlabelled, "vocab_min_count": pretrained.VOCAB_MIN_COUNT,
            "window": WINDOW, "x_max": X_MAX, "alpha": ALPHA, "lr": LEARNING_RATE, "dim": sizes.glove_dim,
            "epochs": sizes.glove_epochs, "batch_size": sizes.glove_batch_size}


def pretrained_glove(sizes: config.Sizes | None = None, seed: int = 0, progress: bool = True,
                     refresh: bool = False) -> GloVe:
    """GloVe vectors of the shared vocabulary, trained on the general corpus: from the cache, or now."""
    sizes = sizes or config.sizes()

    def build() -> dict:
        vocab = pretrained.shared_vocab(sizes, seed)
        # [:] reads the column at once; iterating a datasets column row by row took longer than the counting.
        texts = data.load_corpus(n_sentences=sizes.corpus_sentences, seed=seed)["train"]["text"][:]
        started = time.perf_counter()
        counts = cooccurrences(texts, vocab)
        vectors, losses = train_glove(counts, sizes.glove_dim, sizes.glove_epochs, sizes.glove_batch_size,
                                      seed=seed, progress=progress)
        observed = torch.zeros(len(vocab), dtype=torch.bool)
        observed[counts.rows] = True
        return {"vectors": vectors, "vocab": vocab, "observed": observed, "losses": losses,
                "seconds": time.perf_counter() - started}

    stored = cache.cached(CACHE_NAME, glove_recipe(sizes, seed), build, refresh=refresh)
    return GloVe(stored["vectors"], stored["vocab"], stored["observed"], stored["losses"], stored["seconds"])


def load_glove_text(path: str | os.PathLike, vocab: Vocab | None = None) -> GloVe:
    """Read a GloVe text file ("word v1 v2 ..." per line), such as ``glove.6B.100d.txt``.

    With ``vocab``, the rows follow its ids: words missing from the file get zeros (``observed`` False) and
    file words outside it are skipped, so a 400,000-word file costs only the vocabulary's memory. Without one,
    the file's words become the vocabulary (after the special tokens, which get zeros). A word2vec-style
    first line ("count dim") is skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise GloVeFileError(f"{path}: no such file. Download GloVe vectors (e.g. glove.6B.100d.txt from "
                             "https://nlp.stanford.edu/projects/glove/) and pass the path of the .txt file")
    words: list[str] = []
    rows: list[np.ndarray] = []
    wanted = None if vocab is None else set(vocab.tokens)
    seen: dict[str, int] = {}
    dim = None
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            # Split on single spaces only: some published files have words with other whitespace inside.
            parts = line.rstrip().split(" ")
            if not line.strip() or (number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts)):
                continue  # a blank line, or a word2vec header ("400000 100")
            word, fields = parts[0], parts[1:]
            if dim is None:
                dim = len(fields)
                if dim == 0:
                    raise GloVeFileError(f"{path}, line {number}: the word {word!r} has no numbers after it")
            if len(fields) != dim:
                raise GloVeFileError(f"{path}, line {number}: {len(fields)} numbers after {word!r}, expected {dim} "
                                     "as on the first line (a ragged line: truncated file or a word with spaces?)")
            if word in seen:
                raise GloVeFileError(f"{path}, line {number}: {word!r} already appeared on line {seen[word]}")
            seen[word] = number
            try:
                vector = np.asarray(fields, dtype=np.float32)
            except ValueError:
                bad = next(f for f in fields if not _is_number(f))
                raise GloVeFileError(f"{path}, line {number}: {bad!r} after {word!r} is not a number") from None
            if wanted is None or word in wanted:
                words.append(word)
                rows.append(vector)
    if dim is None:
        raise GloVeFileError(f"{path} is empty: expected lines of 'word v1 v2 ...'")
    if vocab is None:
        words, rows = _without_special_tokens(words, rows)
        try:
            vocab = Vocab(words)
        except ValueError as error:
            raise GloVeFileError(f"{path}: {error}") from None
    vectors = torch.zeros(len(vocab), dim)
    observed = torch.zeros(len(vocab), dtype=torch.bool)
    if words:
        ids = torch.tensor([vocab.token_to_id(word) for word in words])
        vectors[ids] = torch.from_numpy(np.stack(rows))
        observed[ids] = True
    return GloVe(vectors, vocab, observed)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _without_special_tokens(words: list[str], rows: list[np.ndarray]) -> tuple[list[str], list[np.ndarray]]:
    # The vocabulary's own special tokens come first with fixed ids; a file that lists one (rare) loses it.
    kept = [(word, row) for word, row in zip(words, rows) if word not in SPECIAL_TOKENS]
    return [word for word, _ in kept], [row for _, row in kept]
