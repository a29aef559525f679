"""A count-based n-gram language model: the baseline that shows what context a neural LM adds.

An n-gram model sees only the last ``order - 1`` words. Where the evidence is further back (a
subject eleven words before its verb, an entity named before a paraphrase of its relation), it is
as good as chance by construction, which is exactly what the probes measure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

BOS = "<s>"


SMOOTHINGS = ("add-k", "kneser-ney")


class NgramLM:
    """An n-gram model over whitespace tokens (``order=1`` unigram, ``2`` bigram, ...), smoothed one of two ways.

    - ``"add-k"`` (the default): k is added to every count of the context. Simple, and a word never seen after
      this context gets the same probability as any other such word: the probes read such a tie as a coin flip.
      Its perplexity is poor, and worse for higher orders, since most longer contexts are seen a few times only.
    - ``"kneser-ney"``: interpolated Kneser-Ney (Chen and Goodman, 1998), the standard n-gram LM for perplexity.
      Each count loses a ``discount``; the mass freed goes to the next lower order, whose counts are *continuation*
      counts (in how many different contexts a word follows the shorter one); the unigrams lend to a uniform choice
      over the vocabulary and one slot for an unseen word.
    """

    def __init__(self, order: int = 2, k: float = 0.1, smoothing: str = "add-k", discount: float = 0.75):
        if order < 1:
            raise ValueError(f"order must be at least 1, got {order}")
        if k <= 0:
            raise ValueError(f"k must be positive (it keeps unseen words possible), got {k}")
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"unknown smoothing {smoothing!r}; known: {', '.join(SMOOTHINGS)}")
        if not 0 < discount < 1:
            raise ValueError(f"discount must lie between 0 and 1 (a count of one keeps some mass), got {discount}")
        self.order, self.k, self.smoothing, self.discount = order, k, smoothing, discount
        self.ngrams: Counter = Counter()
        self.contexts: Counter = Counter()
        self.vocabulary: set[str] = set()
        # Kneser-Ney, per order m = 1..order: (context, word) -> count (raw at the top order, continuation below),
        # each context's total, and how many different words follow it
        self.tables: dict[int, Counter] = {}
        self.totals: dict[int, Counter] = {}
        self.types: dict[int, Counter] = {}
        self.targets: set[str] = set()  # every word that is ever predicted (the beginning mark is not)

    def fit(self, texts: Iterable[str]) -> NgramLM:
        for text in texts:
            tokens = [BOS] * (self.order - 1) + text.split()
            self.vocabulary.update(tokens)
            self.targets.update(tokens[self.order - 1:])
            for i in range(self.order - 1, len(tokens)):
                context = tuple(tokens[i - self.order + 1 : i])
                self.ngrams[(context, tokens[i])] += 1
                self.contexts[context] += 1
        if not self.contexts:
            raise ValueError("cannot fit an n-gram model on texts with no tokens")
        if self.smoothing == "kneser-ney":
            self._count_continuations()
        return self

    def _count_continuations(self) -> None:
        self.tables = {self.order: self.ngrams}
        for m in range(self.order - 1, 0, -1):  # a word's count at order m: how many words precede it at m + 1
            self.tables[m] = Counter((context[1:], word) for context, word in self.tables[m + 1])
        for m, table in self.tables.items():
            self.totals[m], self.types[m] = Counter(), Counter()
            for (context, _), count in table.items():
                self.totals[m][context] += count
                self.types[m][context] += 1

    def _kneser_ney(self, m: int, context: tuple[str, ...], word: str) -> float:
        if m == 0:
            return 1 / (len(self.targets) + 1)
        lower = self._kneser_ney(m - 1, context[1:], word)
        total = self.totals[m][context]
        if total == 0:  # a context never seen: all of it from the shorter one
            return lower
        kept = max(self.tables[m][(context, word)] - self.discount, 0) / total
        return kept + self.discount * self.types[m][context] / total * lower

    def _context(self, prefix: str | Sequence[str]) -> tuple[str, ...]:
        tokens = prefix.split() if isinstance(prefix, str) else list(prefix)
        if self.order == 1:
            return ()
        return tuple(([BOS] * (self.order - 1) + tokens)[-(self.order - 1) :])

    def logprob(self, word: str, prefix: str | Sequence[str]) -> float:
        """log P(word | the last order-1 words of prefix), smoothed as the model was made."""
        context = self._context(prefix)
        if self.smoothing == "kneser-ney":
            return math.log(self._kneser_ney(self.order, context, word))
        numerator = self.ngrams[(context, word)] + self.k
        denominator = self.contexts[context] + self.k * (len(self.vocabulary) + 1)
        return math.log(numerator / denominator)

    def perplexity(self, tokens: Sequence[str]) -> float:
        """exp of the mean negative log-probability of each token of a stream after the ``order - 1`` tokens before
        it (fewer at the stream's start), as an LM's perplexity is measured on running text."""
        if len(tokens) == 0:
            raise ValueError("perplexity needs at least one token")
        tokens = list(tokens)
        total = sum(self.logprob(word, tokens[max(0, i - self.order + 1):i]) for i, word in enumerate(tokens))
        return math.exp(-total / len(tokens))

    def prefers(self, prefix: str, good: str, bad: str) -> float:
        """1.0 when the model ranks ``good`` above ``bad`` after ``prefix``, 0.0 below it, 0.5 on a tie.

        A tie (both words unseen after this context, as most rare words are) tells nothing: it scores what a coin
        flip would, so that a model without the knowledge sits at chance (0.5), not below it.
        """
        good_logprob, bad_logprob = self.logprob(good, prefix), self.logprob(bad, prefix)
        return 0.5 if good_logprob == bad_logprob else float(good_logprob > bad_logprob)

    def choose(self, prefix: str, candidates: Sequence[str]) -> str:
        """The candidate the model finds most likely after ``prefix`` (ties: the first listed)."""
        if len(candidates) == 0:  # (candidates may be a NumPy array, whose truth value is ambiguous)
            raise ValueError("choose needs at least one candidate")
        return max(candidates, key=lambda word: self.logprob(word, prefix))
