"""A word-level vocabulary: the token <-> id table of the course's recurrent (LSTM) models.

The generated corpus is already lowercase with punctuation split off ("the cat sat .") so a
token is simply a whitespace-separated word. Every word seen fewer than ``min_count`` times maps
to ``[UNK]``: that is the out-of-vocabulary problem that sub-word tokenisers
(:mod:`ptlib.wordpiece`) were invented to solve.

The five special tokens have the same ids here and in the WordPiece tokeniser, so masks,
padding and ``[CLS]``/``[SEP]`` mean the same thing in every notebook.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import torch

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(len(SPECIAL_TOKENS))
# [UNK] and [MASK] stand in for a word, so decode(skip_special=True) keeps them;
# these three only structure a sequence.
STRUCTURAL_IDS = frozenset({PAD_ID, CLS_ID, SEP_ID})

FILE_FORMAT = "ptlib-vocab"
FILE_VERSION = 1


class VocabError(ValueError):
    """Raised for bad input to the vocabulary: empty texts, bad sizes, unknown ids."""


class VocabFileError(VocabError):
    """Raised when a saved vocabulary file is corrupt, foreign, or from another format version."""


def _check_texts(texts: Iterable[str], what: str) -> None:
    # A lone string is iterable too, and would silently become a vocabulary of characters.
    if isinstance(texts, (str, bytes)):
        raise VocabError(f"{what} must be an iterable of strings (e.g. a list of sentences), not one string")


def _check_text(text: Any, what: str = "text") -> str:
    if not isinstance(text, str):
        hint = " (pass ds['text'], not the dataset rows)" if isinstance(text, Mapping) else ""
        raise VocabError(f"{what} must be a string, got {type(text).__name__}{hint}")
    return text


class Vocab:
    """Maps words to ids and back; ids 0..4 are :data:`SPECIAL_TOKENS`, words follow by frequency.

    Build one with :meth:`Vocab.build`, or from a word list: ``Vocab(["the", "cat"])``.
    """

    def __init__(self, words: Sequence[str], counts: Mapping[str, int] | None = None) -> None:
        if isinstance(words, str):
            raise VocabError("words must be a sequence of words, not one string")
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
        _check_texts(texts, "texts")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise VocabError(f"min_count must be an integer >= 1, got {min_count!r}")
        if max_size is not None and (not isinstance(max_size, int) or max_size <= len(SPECIAL_TOKENS)):
            raise VocabError(
                f"max_size must be an integer > {len(SPECIAL_TOKENS)} (it counts the special tokens too), "
                f"got {max_size!r}; use None for no cap"
            )
        counter: Counter[str] = Counter()
        for i, text in enumerate(texts):
            counter.update(cls.tokenize(_check_text(text, f"texts[{i}]")))
        for special in SPECIAL_TOKENS:  # already present with fixed ids; never count them as words
            counter.pop(special, None)
        if not counter:
            raise VocabError("cannot build a vocabulary: the texts have no tokens (are they all empty?)")
        kept = [(w, c) for w, c in counter.items() if c >= min_count]
        if not kept:
            raise VocabError(
                f"min_count={min_count} keeps no word: the most frequent word occurs "
                f"{max(counter.values())} time(s); lower min_count"
            )
        kept.sort(key=lambda wc: (-wc[1], wc[0]))
        if max_size is not None:
            kept = kept[: max_size - len(SPECIAL_TOKENS)]
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
        """The id of ``token``, or ``UNK_ID`` if it is not in the vocabulary."""
        return self._index.get(token, UNK_ID)

    def id_to_token(self, i: int) -> str:
        """The token with id ``i``."""
        return self._tokens[self._check_id(i)]

    def _check_id(self, i: Any) -> int:
        if isinstance(i, torch.Tensor) and i.numel() == 1:
            i = i.item()
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self._tokens):
            raise VocabError(f"id {i!r} is out of range: this vocabulary has ids 0..{len(self._tokens) - 1}")
        return i

    # --- encoding -------------------------------------------------------------------------

    @staticmethod
    def tokenize(text: str) -> list[str]:
        """Split ``text`` on whitespace (the corpus is already lowercase with punctuation split off)."""
        return _check_text(text).split()

    def _ids(self, text: str, what: str = "text") -> list[int]:
        tokens = self.tokenize(text)
        if not tokens:
            raise VocabError(f"{what} {text!r} has no tokens; remove empty rows before encoding")
        index = self._index
        return [index.get(tok, UNK_ID) for tok in tokens]

    def encode(self, text: str, add_special: bool = False, max_length: int | None = None) -> list[int]:
        """Ids of the words of ``text`` (unknown words -> ``UNK_ID``).

        ``add_special`` wraps them in ``[CLS] ... [SEP]``; ``max_length`` truncates the words so
        that the result, special tokens included, is at most that long (``[SEP]`` is kept).
        """
        ids = self._ids(text)
        extra = 2 if add_special else 0
        if max_length is not None:
            _check_max_length(max_length, extra + 1)
            ids = ids[: max_length - extra]
        return [CLS_ID, *ids, SEP_ID] if add_special else ids

    def encode_pair(self, text: str, text_pair: str, max_length: int | None = None) -> tuple[list[int], list[int]]:
        """``[CLS] a [SEP] b [SEP]`` and its segment ids (0 up to the first ``[SEP]``, then 1).

        With ``max_length`` the longer sentence loses words from its end first ("longest first").
        """
        a, b = self._ids(text, "text"), self._ids(text_pair, "text_pair")
        if max_length is not None:
            _check_max_length(max_length, 5)
            budget = max_length - 3
            while len(a) + len(b) > budget:  # sentences are short: a loop is clear and fast enough
                if len(a) > len(b):
                    a.pop()
                else:
                    b.pop()
        ids = [CLS_ID, *a, SEP_ID, *b, SEP_ID]
        token_type_ids = [0] * (len(a) + 2) + [1] * (len(b) + 1)
        return ids, token_type_ids

    def decode(self, ids: Iterable[int] | torch.Tensor, skip_special: bool = False) -> str:
        """The words of ``ids`` joined by spaces.

        ``skip_special`` drops ``[PAD]``, ``[CLS]`` and ``[SEP]``; ``[UNK]`` and ``[MASK]`` are kept
        because each stands for a word.
        """
        if isinstance(ids, torch.Tensor):
            if ids.dim() != 1:
                raise VocabError(f"decode takes one sequence (a 1-D tensor), got shape {tuple(ids.shape)}")
            ids = ids.tolist()
        checked = [self._check_id(i) for i in ids]
        if skip_special:
            checked = [i for i in checked if i not in STRUCTURAL_IDS]
        return " ".join(self._tokens[i] for i in checked)

    def encode_batch(
        self, texts: Sequence[str], max_length: int | None = None, add_special: bool = False
    ) -> dict[str, torch.Tensor]:
        """Encode and pad ``texts``: ``input_ids`` [batch, length], ``attention_mask`` (bool) and
        ``lengths`` (a CPU LongTensor, as ``pack_padded_sequence`` wants)."""
        _check_texts(texts, "texts")
        sequences = [self.encode(t, add_special=add_special, max_length=max_length) for t in texts]
        input_ids, attention_mask = pad_batch(sequences)
        return {"input_ids": input_ids, "attention_mask": attention_mask, "lengths": attention_mask.sum(1)}

    # --- datasets -------------------------------------------------------------------------

    def encode_dataset(
        self,
        ds: Any,
        column: str = "text",
        max_length: int | None = None,
        add_special: bool = False,
        pair_column: str = "text_pair",
    ) -> Any:
        """Add an ``input_ids`` column to a ``datasets`` Dataset or DatasetDict (via ``.map``).

        If ``pair_column`` exists the rows become ``[CLS] a [SEP] b [SEP]`` with ``token_type_ids``;
        otherwise ``add_special`` chooses whether single sentences are wrapped in ``[CLS] ... [SEP]``.
        Use ``ds.with_format("torch")`` and a DataLoader with ``collate_fn=collate`` afterwards.
        """
        names = _column_names(ds)
        if column not in names:
            raise VocabError(f"the dataset has no column {column!r}; its columns are {sorted(names)}")

        if pair_column in names:

            def encode_rows(batch: dict[str, list]) -> dict[str, list]:
                pairs = [self.encode_pair(a, b, max_length) for a, b in zip(batch[column], batch[pair_column])]
                return {"input_ids": [p[0] for p in pairs], "token_type_ids": [p[1] for p in pairs]}

        else:

            def encode_rows(batch: dict[str, list]) -> dict[str, list]:
                return {"input_ids": [self.encode(t, add_special, max_length) for t in batch[column]]}

        return ds.map(encode_rows, batched=True, desc="word ids")

    # --- files ----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Write the vocabulary (tokens in id order and their counts) as JSON; returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        words = self._tokens[len(SPECIAL_TOKENS) :]
        payload = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "special_tokens": list(SPECIAL_TOKENS),
            "words": words,
            "counts": [self._counts[w] for w in words],
        }
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        path = Path(path)
        redo = "rebuild it with Vocab.build(texts).save(path)"
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise VocabFileError(f"{path} is not a vocabulary file (not valid JSON: {err}); {redo}") from None
        if not isinstance(payload, dict) or payload.get("format") != FILE_FORMAT:
            raise VocabFileError(f"{path} is not a ptlib vocabulary file (no 'format': {FILE_FORMAT!r}); {redo}")
        if payload.get("version") != FILE_VERSION:
            raise VocabFileError(
                f"{path} has vocabulary format version {payload.get('version')!r}, this ptlib reads "
                f"version {FILE_VERSION}; {redo}"
            )
        words, counts = payload.get("words"), payload.get("counts")
        if (
            payload.get("special_tokens") != list(SPECIAL_TOKENS)
            or not isinstance(words, list)
            or not isinstance(counts, list)
            or len(words) != len(counts)
            or not all(isinstance(c, int) for c in counts)
        ):
            raise VocabFileError(f"{path} is a damaged vocabulary file (special tokens, words or counts); {redo}")
        try:
            return cls(words, dict(zip(words, counts)))
        except VocabError as err:
            raise VocabFileError(f"{path} is a damaged vocabulary file ({err}); {redo}") from None


def _check_max_length(max_length: Any, minimum: int) -> None:
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < minimum:
        raise VocabError(f"max_length must be an integer >= {minimum} here, got {max_length!r}")


def _column_names(ds: Any) -> set[str]:
    """Column names of a Dataset, or those shared by every split of a DatasetDict."""
    names = getattr(ds, "column_names", None)
    if names is None:
        raise VocabError(f"expected a datasets Dataset or DatasetDict, got {type(ds).__name__}")
    if isinstance(names, dict):  # DatasetDict: split -> names
        sets = [set(n) for n in names.values()]
        return set.intersection(*sets) if sets else set()
    return set(names)


# --- batching -----------------------------------------------------------------------------


def pad_batch(
    sequences: Sequence[Sequence[int] | torch.Tensor], max_length: int | None = None, pad_id: int = PAD_ID
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id sequences to a rectangle: (ids LongTensor [batch, length], mask BoolTensor, True = real).

    ``max_length`` truncates longer sequences (from the end) first. Padding goes on the right.
    """
    if isinstance(sequences, torch.Tensor) or len(sequences) == 0:
        raise VocabError("pad_batch needs a non-empty list of id sequences")
    if max_length is not None:
        _check_max_length(max_length, 1)
    rows = []
    for i, seq in enumerate(sequences):
        row = torch.as_tensor(seq, dtype=torch.long)
        if row.dim() != 1:
            raise VocabError(f"sequence {i} should be 1-D ids, got shape {tuple(row.shape)}")
        if row.numel() == 0:
            # a length-0 row breaks pack_padded_sequence and gives NaN in attention: catch it here
            raise VocabError(f"sequence {i} is empty; every row needs at least one token")
        rows.append(row[:max_length] if max_length is not None else row)
    length = max(len(r) for r in rows)
    ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.bool)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = True
    return ids, mask


def collate(rows: Sequence[Mapping[str, Any]], pad_id: int = PAD_ID) -> dict[str, Any]:
    """``collate_fn`` for a DataLoader over rows with ``input_ids`` (e.g. after ``encode_dataset``).

    Returns padded ``input_ids``, a bool ``attention_mask``, ``lengths``, padded
    ``token_type_ids`` if the rows have them; other numeric fields (``label``) are stacked into
    tensors under the same name and strings are kept as lists. Works for WordPiece rows too
    (``[PAD]`` is id 0 in both), including rows already padded with an ``attention_mask``.
    """
    if len(rows) == 0:
        raise VocabError("collate got an empty batch")
    if "input_ids" not in rows[0]:
        raise VocabError(f"collate needs rows with 'input_ids' (run encode_dataset first); got keys {sorted(rows[0])}")
    input_ids, mask = pad_batch([r["input_ids"] for r in rows], pad_id=pad_id)
    if "attention_mask" in rows[0]:  # rows padded in advance: their own mask knows where padding is
        mask, _ = pad_batch([r["attention_mask"] for r in rows], pad_id=0)
        mask = mask.bool()
    batch: dict[str, Any] = {"input_ids": input_ids, "attention_mask": mask, "lengths": mask.sum(1)}
    if "token_type_ids" in rows[0]:
        batch["token_type_ids"], _ = pad_batch([r["token_type_ids"] for r in rows], pad_id=0)
    for key in rows[0]:
        if key in batch:
            continue
        values = [r[key] for r in rows]
        if all(isinstance(v, (int, float, bool, torch.Tensor)) for v in values):
            batch[key] = torch.stack([torch.as_tensor(v) for v in values])
        else:
            batch[key] = values
    return batch
