"""BERT's input for one sentence or a pair, position by position, and how WordPiece treats each word.

    [CLS] my dog is cute [SEP] he likes play ##ing [SEP]
    segment  0  0   0  0    0     1   1     1    1    1
    position 0  1   2  3    4     5   6     7    8    9

A pair longer than ``max_length`` loses tokens from the end of its longer sentence, one at a time ("longest
first"), so that neither sentence is cut to nothing while the other stays whole; the three special tokens always
stay. :func:`word_pieces` says which words stayed whole, which were split and which became [UNK].
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenizers import Tokenizer

from .. import arguments
from .vocab import SPECIAL_TOKENS, UNK_ID
from .wordpiece import WordPieceError, check_special_ids, truncating_copy


@dataclass(frozen=True)
class BertInput:
    """One encoded input: lists of equal length, one entry per token."""

    tokens: list[str]
    input_ids: list[int]
    token_type_ids: list[int]  # the segment: 0 for [CLS], sentence A and its [SEP]; 1 for sentence B and its [SEP]
    position_ids: list[int]  # 0, 1, 2, ...: BERT learns one vector per position
    attention_mask: list[int]  # 1 on every real token (an unpadded input has no padding)
    removed: tuple[int, int]  # tokens cut from sentence A and from sentence B to fit max_length

    def as_row(self) -> dict[str, list[int]]:
        """The row a model batch is collated from (``ptlib.data.batching.collate``)."""
        return {"input_ids": self.input_ids, "token_type_ids": self.token_type_ids,
                "attention_mask": self.attention_mask}


def _sentence(value: object, what: str) -> str:
    text = arguments.text(value, what, WordPieceError)
    if not text.strip():
        raise WordPieceError(f"{what} is empty: give it at least one word")
    return text


def encode_input(tokenizer: Tokenizer, text: str, text_pair: str | None = None, max_length: int = 128) -> BertInput:
    """``[CLS] text [SEP]`` or ``[CLS] text [SEP] text_pair [SEP]``, cut to ``max_length`` tokens longest first."""
    check_special_ids(tokenizer)
    first = _sentence(text, "the first sentence")
    second = None if text_pair is None else _sentence(text_pair, "the second sentence")
    minimum = 3 if second is None else 5  # the special tokens and one word of each sentence
    if arguments.whole_number(max_length) is None or max_length < minimum:
        raise WordPieceError(f"max_length must be an integer >= {minimum} here, got {max_length!r}")
    full = tokenizer.encode(first, second)
    cut = truncating_copy(tokenizer, int(max_length)).encode(first, second)
    lengths = [full.type_ids.count(0) - 2, full.type_ids.count(1) - (second is not None)]
    kept = [cut.type_ids.count(0) - 2, cut.type_ids.count(1) - (second is not None)]
    return BertInput(tokens=cut.tokens, input_ids=cut.ids, token_type_ids=cut.type_ids,
                     position_ids=list(range(len(cut.ids))), attention_mask=cut.attention_mask,
                     removed=(lengths[0] - kept[0], lengths[1] - kept[1]))


@dataclass(frozen=True)
class WordPieces:
    word: str  # as the tokeniser sees it: lowercased, accents stripped, punctuation split off
    pieces: list[str]
    kind: str  # "whole", "split" (into sub-words) or "unknown" (the whole word became [UNK])


def word_pieces(tokenizer: Tokenizer, text: str) -> list[WordPieces]:
    """Each word of ``text`` with its WordPiece pieces, and whether it stayed whole, was split or is unknown.

    A word is unknown when some character of it was never seen in training: WordPiece then gives up on the whole
    word, not on the one character. Any BERT WordPiece tokeniser will do (a real checkpoint's too, whose special
    tokens have other ids)."""
    unknown = SPECIAL_TOKENS[UNK_ID]
    if not isinstance(tokenizer, Tokenizer) or tokenizer.token_to_id(unknown) is None:
        raise WordPieceError(f"expected a WordPiece tokeniser with an {unknown} token, got {tokenizer!r}")
    encoding = tokenizer.encode(_sentence(text, "the text"), add_special_tokens=False)
    normalised = tokenizer.normalizer.normalize_str(text)
    words = [word for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalised)]
    pieces: list[list[str]] = [[] for _ in words]
    for token, word_id in zip(encoding.tokens, encoding.word_ids):
        pieces[word_id].append(token)
    return [WordPieces(word, found, "unknown" if found == [unknown]
                       else "split" if len(found) > 1 else "whole")
            for word, found in zip(words, pieces)]

