"""A word-level vocabulary: the token <-> id table of the course's recurrent (LSTM) models.

The generated corpus is already lowercase with punctuation split off ("the cat sat .") so a
token is simply a whitespace-separated word. Every word seen fewer than ``min_count`` times maps
to ``[UNK]``: that is the out-of-vocabulary problem that sub-word tokenisers
(:mod:`ptlib.data.wordpiece`) were invented to solve.

The five special tokens have the same ids here and in the WordPiece tokeniser, so masks,
padding and ``[CLS]``/``[SEP]`` mean the same thing in every notebook. Raw text typed by a person
("The plot was AWFUL!") is brought to the corpus's form by :func:`normalise_sentence` first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import torch

from .. import arguments

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(len(SPECIAL_TOKENS))
_PUNCTUATION = re.compile(r"([.,!?;:()\"])")  # split off as tokens of their own, as in the corpus


class VocabError(ValueError):
    """Raised for bad input to the vocabulary: empty texts, bad sizes, unknown ids."""


def normalise_sentence(text: str) -> str:
    """``text`` as the corpus is written: lowercase, with punctuation split off ("The plot, awful!" ->
    "the plot , awful !"). Apostrophes stay inside words ("the season's games")."""
    return " ".join(_PUNCTUATION.sub(r" \1 ", arguments.text(text, "text", VocabError).lower()).split())


class Vocab:
    """Maps words to ids and back; ids 0..4 are :data:`SPECIAL_TOKENS`, words follow by frequency.

    Build one with :meth:`Vocab.build`, or from a word list: ``Vocab(["the", "cat"])``.
    """

    def __init__(self, words: Sequence[str], counts: Mapping[str, int] | None = None) -> None:
        words = arguments.texts(words, "words", VocabError)
        self._tokens: list[str] = list(SPECIAL_TOKENS)
        self._index: dict[str, int] = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
        for word in words:
            if not isinstance(word, str) or not word or word != word.strip() or len(word.split()) != 1:
                raise VocabError(f"{word!r} is not a word: a word is a non-empty string without whitespace")
            if word in self._index:
                raise VocabError(f"{word!r} appears twice in the word list (or is a special token)")
            self._index[word] = len(self._tokens)
            self._tokens.append(word)
        counts = counts or {}
        self._counts = {w: int(counts.get(w, 0)) for w in self._tokens[len(SPECIAL_TOKENS) :]}

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1, max_size: int | None = None) -> Vocab:
        """Count the words of ``texts`` and keep those seen at least ``min_count`` times.

        Words are ordered by descending count, ties alphabetically, so the same texts always give
        the same ids. ``max_size`` caps the whole vocabulary, the 5 special tokens included.
        """
        texts = arguments.texts(texts, "texts", VocabError)
        least, size = arguments.whole_number(min_count), arguments.whole_number(max_size)
        if least is None or least < 1:
            raise VocabError(f"min_count must be an integer >= 1, got {min_count!r}")
        if max_size is not None and (size is None or size <= len(SPECIAL_TOKENS)):
            raise VocabError(
                f"max_size must be an integer > {len(SPECIAL_TOKENS)} (it counts the special tokens too), "
                f"got {max_size!r}; use None for no cap"
            )
        counter: Counter[str] = Counter()
        for text in texts:
            counter.update(text.split())
        for special in SPECIAL_TOKENS:  # already present with fixed ids; never count them as words
            counter.pop(special, None)
        if not counter:
            raise VocabError("cannot build a vocabulary: the texts have no tokens (are they all empty?)")
        kept = [(w, c) for w, c in counter.items() if c >= least]
        if not kept:
            raise VocabError(
                f"min_count={min_count} keeps no word: the most frequent word occurs "
                f"{max(counter.values())} time(s); lower min_count"
            )
        kept.sort(key=lambda wc: (-wc[1], wc[0]))
        if size is not None:
            kept = kept[: size - len(SPECIAL_TOKENS)]
        return cls([w for w, _ in kept], dict(kept))

    # --- lookup ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def __repr__(self) -> str:
        head = ", ".join(self._tokens[len(SPECIAL_TOKENS) : len(SPECIAL_TOKENS) + 5])
        return f"Vocab({len(self)} tokens: 5 special + {head}, ...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self._tokens == other._tokens and self._counts == other._counts

    @property
    def tokens(self) -> list[str]:
        """All tokens in id order (a copy)."""
        return list(self._tokens)

    @property
    def counts(self) -> Mapping[str, int]:
        """How often each (non-special) token occurred in the texts the vocabulary was built from."""
        return MappingProxyType(self._counts)  # read-only view; a plain dict inside keeps Vocab picklable

    def token_to_id(self, token: str) -> int:
        """The id of ``token``, or ``UNK_ID`` if it is not in the vocabulary (a token is a string)."""
        if not isinstance(token, str):
            raise VocabError(f"a token is a string, got {type(token).__name__} {token!r}")
        return self._index.get(token, UNK_ID)

    def id_to_token(self, i: int) -> str:
        """The token with id ``i``."""
        return self._tokens[self._check_id(i)]

    def _check_id(self, i: Any) -> int:
        if isinstance(i, torch.Tensor) and i.numel() == 1:
            i = i.item()
        index = arguments.whole_number(i)
        if index is None or not 0 <= index < len(self._tokens):
            raise VocabError(f"id {i!r} is out of range: this vocabulary has ids 0..{len(self._tokens) - 1}")
        return index

    # --- encoding -------------------------------------------------------------------------

    @staticmethod
    def tokenize(text: str) -> list[str]:
        """Split ``text`` on whitespace (the corpus is already lowercase with punctuation split off)."""
        return arguments.text(text, "text", VocabError).split()

    def _ids(self, text: str, what: str = "text") -> list[int]:
        tokens = self.tokenize(text)
        if not tokens:
            raise VocabError(f"{what} {text!r} has no tokens; remove empty rows before encoding")
        index = self._index
        return [index.get(tok, UNK_ID) for tok in tokens]

    def encode(self, text: str) -> list[int]:
        """Ids of the words of ``text`` (unknown words -> ``UNK_ID``)."""
        return self._ids(text)
