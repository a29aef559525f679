"""Nearest neighbours by cosine, for global vectors (one per word type) and contextual ones (one per occurrence).

- :class:`WordIndex`: the nearest words to a word, as in the lecture's GloVe row for "play".
- :class:`OccurrenceIndex`: the nearest *occurrences* to a vector computed for a word in a sentence, as in the
  lecture's biLM row; each occurrence keeps its sentence, position and recorded sense.
- :func:`sense_accuracy_table`: leave-one-out 1-nearest-neighbour sense accuracy per ambiguous word, contextual
  against global.
- :func:`project_occurrences` and :func:`plot_projection`: every occurrence of a word in two dimensions (PCA),
  coloured by sense.

Both indexes keep their vectors scaled to length 1, so a query is one matrix-vector product.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from ..data.vocab import SPECIAL_TOKENS

# embed(texts) -> one tensor [n_tokens, dim] per text, row i for text.split()[i]
# (e.g. ptlib.analysis.features.contextual_embedder).
Embed = Callable[[Sequence[str]], list[torch.Tensor]]
# Cosines this close count as a tie (identical vectors give identical cosines up to float rounding).
TIE_TOLERANCE = 1e-6


def unit_rows(vectors: torch.Tensor) -> torch.Tensor:
    """The rows scaled to length 1 (float32, CPU); an all-zero row stays zero, so its cosine with anything is 0."""
    vectors = vectors.detach().float().cpu()
    return vectors / vectors.norm(dim=-1, keepdim=True).clamp_min(1e-12)


class WordIndex:
    """Cosine neighbours among word types: row ``i`` of ``vectors`` is the vector of ``words[i]``.

    ``usable`` (bool per word) marks the words that have a real vector; the others (and the special tokens)
    are never returned as neighbours, nor accepted as queries.
    """

    def __init__(self, vectors: torch.Tensor, words: Sequence[str], usable: torch.Tensor | None = None) -> None:
        if vectors.dim() != 2 or vectors.shape[0] != len(words):
            raise ValueError(f"need one vector per word: {len(words)} words, vectors of shape {tuple(vectors.shape)}")
        self.words = list(words)
        self._ids = {word: i for i, word in enumerate(self.words)}
        self.unit = unit_rows(vectors)
        self.usable = torch.ones(len(words), dtype=torch.bool) if usable is None else usable.clone().bool().cpu()
        for token in SPECIAL_TOKENS:
            if token in self._ids:
                self.usable[self._ids[token]] = False

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def has_vector(self, word: str) -> bool:
        """Whether ``word`` is in the index with a real (trained or loaded) vector."""
        return word in self._ids and bool(self.usable[self._ids[word]])

    def nearest(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` words with the highest cosine to ``word`` (itself excluded), best first."""
        if not self.has_vector(word):
            raise KeyError(f"{word!r} has no vector in this index")
        i = self._ids[word]
        cosines = self.unit @ self.unit[i]
        cosines[~self.usable] = float("-inf")
        cosines[i] = float("-inf")
        k = min(k, int(self.usable.sum()) - 1)
        best = cosines.topk(k)
        return [(self.words[j], round(c, 4)) for j, c in zip(best.indices.tolist(), best.values.tolist())]


class OccurrenceIndex:
    """Cosine neighbours among occurrences: ``vectors[i]`` is the contextual vector of occurrence ``rows[i]``.

    Each row is a mapping with at least ``word``; :func:`sense_occurrences` rows also have ``text``,
    ``position`` and ``sense``.
    """

    def __init__(self, vectors: torch.Tensor, rows: Sequence[Mapping[str, Any]]) -> None:
        if vectors.dim() != 2 or vectors.shape[0] != len(rows):
            raise ValueError(f"need one vector per occurrence: {len(rows)} rows, vectors {tuple(vectors.shape)}")
        self.rows = [dict(row) for row in rows]
        self.unit = unit_rows(vectors)
        by_word: dict[str, list[int]] = {}
        for i, row in enumerate(self.rows):
            by_word.setdefault(row["word"], []).append(i)
        # One block of rows per word, precomputed, so that a query restricted to one word is one product too.
        self._members = {word: torch.tensor(ids) for word, ids in by_word.items()}
        self._blocks = {word: self.unit[ids] for word, ids in self._members.items()}

    @classmethod
    def from_embedder(cls, occurrences: Iterable[Mapping[str, Any]], embed: Embed,
                      batch_size: int = 64) -> OccurrenceIndex:
        """Embed each occurrence's ``text`` and keep the vector at its ``position``.

        ``occurrences`` is a list of rows or a ``datasets.Dataset`` such as ``sense_occurrences(corpus)``.
        Each distinct sentence is embedded once (the generated corpus repeats some).
        """
        rows = occurrences.to_list() if hasattr(occurrences, "to_list") else [dict(row) for row in occurrences]
        if not rows:
            raise ValueError("no occurrences to index")
        texts = list(dict.fromkeys(row["text"] for row in rows))
        embedded: dict[str, torch.Tensor] = {}
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            for text, vectors in zip(chunk, embed(chunk)):
                embedded[text] = check_aligned(text, vectors)
        for row in rows:
            tokens = row["text"].split()
            if not 0 <= row["position"] < len(tokens) or tokens[row["position"]] != row["word"]:
                raise ValueError(f"occurrence {row!r}: token {row['position']} of its text is not {row['word']!r}")
        return cls(torch.stack([embedded[row["text"]][row["position"]] for row in rows]), rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def words(self) -> list[str]:
        """The words that have occurrences, alphabetically."""
        return sorted(self._members)

    def occurrences_of(self, word: str) -> list[int]:
        """Indices (into ``rows``) of the occurrences of ``word``; empty if none."""
        members = self._members.get(word)
        return [] if members is None else members.tolist()

    def nearest(self, vector: torch.Tensor, k: int = 10, word: str | None = None) -> list[dict[str, Any]]:
        """The ``k`` occurrences (of ``word`` only, if given) with the highest cosine to ``vector``, best first.

        Each result is the occurrence's row plus ``occurrence`` (its index) and ``cosine``.
        """
        query = unit_rows(vector.reshape(1, -1))[0]
        if word is None:
            members, block = torch.arange(len(self.rows)), self.unit
        elif word in self._members:
            members, block = self._members[word], self._blocks[word]
        else:
            return []
        best = (block @ query).topk(min(k, len(members)))
        return [{**self.rows[i], "occurrence": i, "cosine": round(c, 4)}
                for i, c in zip(members[best.indices].tolist(), best.values.tolist())]


def check_aligned(text: str, vectors: torch.Tensor) -> torch.Tensor:
    """``vectors`` as a CPU float tensor, after checking it has one row per ``text.split()`` token."""
    n_tokens = len(text.split())
    if not isinstance(vectors, torch.Tensor) or vectors.dim() != 2 or vectors.shape[0] != n_tokens:
        shape = tuple(vectors.shape) if isinstance(vectors, torch.Tensor) else type(vectors).__name__
        raise ValueError(f"the embedder returned {shape} for a text of {n_tokens} tokens ({text!r}); it must "
                         "return one tensor [n_tokens, dim] per text, aligned with text.split()")
    return vectors.detach().float().cpu()


def one_nn_sense_accuracy(vectors: torch.Tensor, senses: Sequence[str]) -> float:
    """Leave-one-out 1-nearest-neighbour accuracy: each occurrence takes the sense of its most similar other one.

    Ties are broken uniformly at random, and the *expected* accuracy is returned (no sampling): an occurrence
    whose nearest cosine is shared by ``t`` others, ``s`` of them with its sense, scores ``s / t``. So identical
    vectors (a global vector, the same for every occurrence of a word) score exactly the chance that a random
    other occurrence has the same sense.
    """
    if len(senses) < 2 or vectors.shape[0] != len(senses):
        raise ValueError(f"need at least 2 occurrences and one vector each; got {len(senses)} senses, "
                         f"vectors {tuple(vectors.shape)}")
    unit = unit_rows(vectors)
    cosines = unit @ unit.T
    cosines.fill_diagonal_(float("-inf"))
    tied = cosines >= cosines.max(dim=1, keepdim=True).values - TIE_TOLERANCE
    labels = {sense: i for i, sense in enumerate(dict.fromkeys(senses))}
    ids = torch.tensor([labels[sense] for sense in senses])
    same = ids[:, None] == ids[None, :]
    return float(((tied & same).sum(1) / tied.sum(1)).mean())


def sense_accuracy_table(index: OccurrenceIndex) -> list[dict[str, Any]]:
    """Per ambiguous word: 1-NN sense accuracy with contextual vectors, with a global vector, and the majority rate.

    - ``contextual_1nn``: :func:`one_nn_sense_accuracy` on the occurrences' contextual vectors;
    - ``global_1nn``: the same with one vector for all occurrences of the word. Every other occurrence is then
      equally near, so the neighbour is a random one and the score does not depend on *which* global vector
      (GloVe or any other): sum over senses of n_s (n_s - 1) / (n (n - 1));
    - ``majority_sense``: the share of the most frequent sense, what a rule "always answer the usual sense"
      gets (the best any single answer per word type can do).

    Needs ``sense`` in the index's rows; words with fewer than 2 occurrences are left out.
    """
    table = []
    for word in index.words:
        members = index.occurrences_of(word)
        if len(members) < 2:
            continue
        senses = [index.rows[i]["sense"] for i in members]
        counts = Counter(senses)
        table.append({
            "word": word,
            "occurrences": len(members),
            "senses": len(counts),
            "contextual_1nn": round(one_nn_sense_accuracy(index.unit[members], senses), 4),
            "global_1nn": round(one_nn_sense_accuracy(torch.ones(len(members), 1), senses), 4),
            "majority_sense": round(max(counts.values()) / len(members), 4),
        })
    return table


@dataclass
class Projection:
    """Every occurrence of a word in two dimensions, and where one vector for the whole word type falls."""

    word: str
    coords: torch.Tensor  # [n, 2]
    senses: list[str]
    texts: list[str]
    type_point: torch.Tensor  # [2]: the mean of the occurrences' vectors, projected the same way
    explained: tuple[float, float]  # share of the variance along each axis


def project_occurrences(index: OccurrenceIndex, word: str) -> Projection:
    """PCA (through torch's SVD) of the contextual vectors of every occurrence of ``word``.

    Where would a *global* vector go? A GloVe vector cannot be placed here: it comes from another model, with
    its own dimensions, so its coordinates mean nothing in this space. What can be placed honestly is the best
    single vector the contextual model could give the word type, the mean of its occurrences ("one vector per
    type"): as the PCA is centred on that mean, it lands at the origin, between the sense clusters.
    """
    members = index.occurrences_of(word)
    if len(members) < 2:
        raise ValueError(f"{word!r} has {len(members)} occurrence(s) in the index; a projection needs at least 2")
    vectors = index.unit[members]  # cosine geometry: the neighbour search sees these length-1 vectors
    centred = vectors - vectors.mean(0)
    _, singular, directions = torch.linalg.svd(centred, full_matrices=False)
    axes = directions[:2]
    # An SVD direction's sign is arbitrary: fix it (largest loading positive) so a plot does not flip between runs.
    signs = torch.sign(axes.gather(1, axes.abs().argmax(1, keepdim=True)))
    axes = axes * torch.where(signs == 0, 1.0, signs)
    coords = centred @ axes.T
    variance = singular**2
    shares = (variance[:2] / variance.sum().clamp_min(1e-12)).tolist()
    if coords.shape[1] < 2:  # one-dimensional vectors: a flat second axis
        coords = torch.cat([coords, torch.zeros(len(members), 2 - coords.shape[1])], 1)
        shares += [0.0] * (2 - len(shares))
    rows = [index.rows[i] for i in members]
    # The mean of the occurrences, centred and projected like them, is the origin.
    return Projection(word, coords, [row.get("sense", "") for row in rows], [row.get("text", "") for row in rows],
                      torch.zeros(2), (shares[0], shares[1]))


def plot_projection(projection: Projection, ax: Any = None, sentence_point: Sequence[float] | None = None) -> Any:
    """Scatter the occurrences coloured by sense, with the one-vector-per-type point marked; returns the axes.

    ``sentence_point`` (x, y), if given, marks one more occurrence projected the same way ("your sentence"). The
    legend sits outside the axes, right of them, so that it covers no point (save with ``bbox_inches="tight"``).
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5.5, 4.2))
    for sense in dict.fromkeys(projection.senses):
        points = projection.coords[[i for i, s in enumerate(projection.senses) if s == sense]]
        ax.scatter(points[:, 0], points[:, 1], s=18, alpha=0.7, label=f"{sense} ({len(points)})")
    ax.scatter(*projection.type_point.tolist(), marker="*", s=260, color="black",
               label="one vector per type\n(mean of occurrences)")
    if sentence_point is not None:
        x, y = (float(value) for value in sentence_point)
        ax.scatter(x, y, marker="X", s=170, color="white", edgecolors="black", linewidths=1.5, label="your sentence")
    first, second = projection.explained
    ax.set_xlabel(f"PC 1 ({first:.0%} of variance)")
    ax.set_ylabel(f"PC 2 ({second:.0%} of variance)")
    ax.set_title(f"every occurrence of '{projection.word}', by recorded sense")
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left", borderaxespad=0)
    return ax
