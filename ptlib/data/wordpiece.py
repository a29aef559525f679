"""A WordPiece tokeniser, BERT's sub-word scheme, trained on the course's own text.

Frequent words stay whole ("the"); rare words are split into pieces, each continuation marked
with ``##`` ("zebra" -> "ze", "##bra"), so no word is ever out of vocabulary. Training and
tokenising are done by the Hugging Face ``tokenizers`` library; this module sets it up like
BERT's tokeniser, with the special tokens and ids of :mod:`ptlib.data.vocab`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from tokenizers.trainers import WordPieceTrainer

from .. import arguments
from .vocab import CLS_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, UNK_ID

PREFIX = "##"


class WordPieceError(ValueError):
    """Raised for bad input to the WordPiece helpers: empty texts, too small a vocabulary, ..."""


class WordPieceFileError(WordPieceError):
    """Raised when a saved tokeniser file is corrupt or not a tokeniser with ptlib's special tokens."""


def _bert_like(model: WordPiece) -> Tokenizer:
    """A tokeniser around ``model`` with BERT's normaliser, pre-tokeniser, templates and decoder."""
    tokenizer = Tokenizer(model)
    # lowercase + strip accents + clean control characters, as uncased BERT does
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True
    )
    # split on whitespace and punctuation before looking for sub-words
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix=PREFIX)
    return tokenizer


def _add_templates(tokenizer: Tokenizer) -> None:
    # $B:1 and [SEP]:1 give the second sentence segment id 1 (token_type_ids)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", CLS_ID), ("[SEP]", SEP_ID)],
    )


def _check_tokenizer(tokenizer: Any) -> None:
    if not isinstance(tokenizer, Tokenizer):
        raise WordPieceError(f"expected a tokeniser (from train_wordpiece or load_wordpiece), got "
                             f"{type(tokenizer).__name__}")


def check_special_ids(tokenizer: Tokenizer) -> None:
    """Raise :class:`WordPieceError` unless the special tokens have ids 0..4 as in :mod:`ptlib.data.vocab`."""
    _check_tokenizer(tokenizer)
    found = {tok: tokenizer.token_to_id(tok) for tok in SPECIAL_TOKENS}
    expected = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    if found != expected:
        raise WordPieceError(f"special token ids are {found}, expected {expected}")


def _characters(tokenizer: Tokenizer, texts: list[str]) -> tuple[set[str], set[str]]:
    """The characters of all words, and those seen inside a word (after its first character)."""
    alphabet: set[str] = set()
    inner: set[str] = set()
    # Normalise many texts per library call, then pre-tokenise each distinct whitespace chunk once.
    chunks: set[str] = set()
    step = 2000
    for start in range(0, len(texts), step):
        chunks.update(tokenizer.normalizer.normalize_str(" ".join(texts[start : start + step])).split())
    words = {w for chunk in chunks for w, _ in tokenizer.pre_tokenizer.pre_tokenize_str(chunk)}
    for word in words:
        alphabet.update(word)
        inner.update(word[1:])
    return alphabet, inner


def train_wordpiece(texts: Iterable[str], vocab_size: int = 2000, min_frequency: int = 2) -> Tokenizer:
    """Train a BERT-like WordPiece tokeniser on ``texts``.

    The vocabulary always holds every character seen and its ``##`` form; ``vocab_size`` must
    leave room for them (a clear error says how much), the rest is filled with the most frequent
    merges of at least ``min_frequency`` occurrences. Same texts and settings, same vocabulary.
    """
    size, least = arguments.whole_number(vocab_size), arguments.whole_number(min_frequency)
    if size is None or size < 1:
        raise WordPieceError(f"vocab_size must be a positive integer, got {vocab_size!r}")
    if least is None or least < 0:
        raise WordPieceError(f"min_frequency must be an integer >= 0, got {min_frequency!r}")
    texts = arguments.texts(texts, "texts", WordPieceError)
    tokenizer = _bert_like(WordPiece(unk_token=SPECIAL_TOKENS[UNK_ID], continuing_subword_prefix=PREFIX))
    alphabet, inner = _characters(tokenizer, texts)
    if not alphabet:
        raise WordPieceError("cannot train a tokeniser: the texts have no tokens (are they all empty?)")
    needed = len(SPECIAL_TOKENS) + len(alphabet) + len(inner)
    if size < needed:
        raise WordPieceError(
            f"vocab_size={vocab_size} is too small: the texts have {len(alphabet)} distinct characters "
            f"({len(inner)} of them also inside words, as ##-pieces), which with the "
            f"{len(SPECIAL_TOKENS)} special tokens need {needed} entries. Use vocab_size >= {needed} "
            f"(a few hundred more to learn useful sub-words)."
        )
    # Determinism: tokenizers 0.23 gives the ##-characters ids in hash-map order, which breaks
    # ties between equally frequent merges differently from run to run (huggingface/tokenizers
    # issue #1794). Listing them, sorted, after the special tokens fixes their ids and so the result.
    seeded = [PREFIX + c for c in sorted(inner)]
    trainer = WordPieceTrainer(
        vocab_size=size,
        min_frequency=least,
        special_tokens=[*SPECIAL_TOKENS, *seeded],
        continuing_subword_prefix=PREFIX,
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    # Rebuild from the learnt vocabulary so that only the real special tokens are "special"
    # (the seeded ##-characters must be ordinary vocabulary entries).
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    tokenizer = _bert_like(WordPiece(vocab=vocab, unk_token=SPECIAL_TOKENS[UNK_ID], continuing_subword_prefix=PREFIX))
    tokenizer.add_special_tokens(list(SPECIAL_TOKENS))
    _add_templates(tokenizer)
    check_special_ids(tokenizer)
    return tokenizer


def show_tokens(tokenizer: Tokenizer, text: str, add_special: bool = False) -> list[str]:
    """The sub-word pieces of ``text``, e.g. ``['the', 'ze', '##bra']``, for display in notebooks."""
    _check_tokenizer(tokenizer)
    return tokenizer.encode(arguments.text(text, "text", WordPieceError), add_special_tokens=add_special).tokens


def truncating_copy(tokenizer: Tokenizer, max_length: int, pad: bool = False) -> Tokenizer:
    """A copy of ``tokenizer`` that cuts every input to ``max_length`` tokens, specials included (and pads to it if
    ``pad``). A pair loses tokens from the end of its longer sentence first, one at a time ("longest first").
    A copy, so that these settings do not leak into the caller's tokeniser."""
    check_special_ids(tokenizer)
    tok = Tokenizer.from_str(tokenizer.to_str())
    tok.enable_truncation(max_length, strategy="longest_first")
    if pad:
        tok.enable_padding(pad_id=PAD_ID, pad_token=SPECIAL_TOKENS[PAD_ID], length=max_length)
    return tok


def _names(ds: Any) -> set[str]:
    names = getattr(ds, "column_names", None)
    if names is None:
        raise WordPieceError(f"expected a datasets Dataset or DatasetDict, got {type(ds).__name__}")
    if isinstance(names, dict):  # DatasetDict: columns shared by every split
        return set.intersection(*(set(n) for n in names.values())) if names else set()
    return set(names)


def encode_dataset(
    ds: Any,
    tokenizer: Tokenizer,
    max_length: int = 128,
    column: str = "text",
    pair_column: str = "text_pair",
    pad_to_max_length: bool = False,
) -> Any:
    """Add ``input_ids``, ``token_type_ids`` and ``attention_mask`` to a Dataset or DatasetDict.

    Rows become ``[CLS] a [SEP]``, or ``[CLS] a [SEP] b [SEP]`` when ``pair_column`` exists,
    truncated to ``max_length`` (longest sentence first). Rows are not padded unless
    ``pad_to_max_length``: pad each batch instead with ``collate_fn=ptlib.data.batching.collate``, which is
    much cheaper for short sentences.
    """
    names = _names(ds)
    if column not in names:
        raise WordPieceError(f"the dataset has no column {column!r}; its columns are {sorted(names)}")
    pair = pair_column in names
    minimum = 5 if pair else 3
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < minimum:
        raise WordPieceError(f"max_length must be an integer >= {minimum} here, got {max_length!r}")
    tok = truncating_copy(tokenizer, max_length, pad=pad_to_max_length)

    def encode_rows(batch: dict[str, list]) -> dict[str, list]:
        columns = [column, pair_column] if pair else [column]
        for name in columns:
            for text in batch[name]:
                if not isinstance(text, str) or not text.strip():
                    raise WordPieceError(f"column {name!r} has an empty or non-text row: {text!r}")
        inputs = list(zip(batch[column], batch[pair_column])) if pair else batch[column]
        encodings = tok.encode_batch(inputs)
        return {
            "input_ids": [e.ids for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
        }

    return ds.map(encode_rows, batched=True, desc="WordPiece ids")


def save_wordpiece(tokenizer: Tokenizer, path: str | os.PathLike) -> Path:
    """Write the tokeniser as one JSON file (the ``tokenizers`` format); returns the path."""
    _check_tokenizer(tokenizer)
    path = arguments.path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tokenizer.to_str(), encoding="utf-8")
    return path


def load_wordpiece(path: str | os.PathLike) -> Tokenizer:
    """Read a tokeniser written by :func:`save_wordpiece`, checking its special tokens."""
    path = arguments.path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no tokeniser file at {path}")
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as err:  # the Rust side raises a bare Exception with a serde message
        raise WordPieceFileError(
            f"{path} is not a readable tokeniser file ({err}); train it again with train_wordpiece(...) "
            f"and save it with save_wordpiece(...)"
        ) from None
    try:
        check_special_ids(tokenizer)
    except WordPieceError as err:
        raise WordPieceFileError(f"{path}: {err}; it was not made by train_wordpiece") from None
    return tokenizer
