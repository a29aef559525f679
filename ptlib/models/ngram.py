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


class NgramLM:
    """Add-k smoothed n-gram model over whitespace tokens (``order=1`` unigram, ``2`` bigram, ...)."""

    def __init__(self, order: int = 2, k: float = 0.1):
        if order < 1:
            raise ValueError(f"order must be at least 1, got {order}")
        if k <= 0:
            raise ValueError(f"k must be positive (it keeps unseen words possible), got {k}")
        self.order, self.k = order, k
        self.ngrams: Counter = Counter()
        self.contexts: Counter = Counter()
        self.vocabulary: set[str] = set()

    def fit(self, texts: Iterable[str]) -> NgramLM:
        for text in texts:
            tokens = [BOS] * (self.order - 1) + text.split()
            self.vocabulary.update(tokens)
            for i in range(self.order - 1, len(tokens)):
                context = tuple(tokens[i - self.order + 1 : i])
                self.ngrams[(context, tokens[i])] += 1
                self.contexts[context] += 1
        if not self.contexts:
            raise ValueError("cannot fit an n-gram model on texts with no tokens")
        return self

    def _context(self, prefix: str | Sequence[str]) -> tuple[str, ...]:
        tokens = prefix.split() if isinstance(prefix, str) else list(prefix)
        if self.order == 1:
            return ()
        return tuple(([BOS] * (self.order - 1) + tokens)[-(self.order - 1) :])

    def logprob(self, word: str, prefix: str | Sequence[str]) -> float:
        """log P(word | the last order-1 words of prefix), add-k smoothed."""
        context = self._context(prefix)
        numerator = self.ngrams[(context, word)] + self.k
        denominator = self.contexts[context] + self.k * (len(self.vocabulary) + 1)
        return math.log(numerator / denominator)

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
