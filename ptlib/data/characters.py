"""ELMo's input: the characters of every word, and sentences batched for the biLM.

Each sentence is one sequence ``<S> w_1 ... w_n </S>``; ``[CLS]`` and ``[SEP]`` of the word vocabulary stand for
the two boundaries, which get characters of their own. The biLM's character CNN reads each distinct word of a
batch once (``chars``) and scatters the result to its positions (``types``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence

import torch

from .. import arguments
from .vocab import CLS_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, Vocab

# The sentence boundaries <S> and </S>, as tokens of the word vocabulary.
BOS, EOS = SPECIAL_TOKENS[CLS_ID], SPECIAL_TOKENS[SEP_ID]
Batch = dict[str, torch.Tensor]



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
        return cls({c for text in arguments.texts(texts) for c in text if not c.isspace()})

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
    - ``input_ids`` [batch, length]: word ids (the softmax targets, and the input of the word-embedding option);
    - ``attention_mask`` [batch, length]: True at real positions, the boundaries included;
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
        if isinstance(sentences, str) or not isinstance(sentences, Sequence):
            raise TypeError(f"a batch is a list of sentences, each a list of tokens (text.split()); got "
                            f"{type(sentences).__name__}")
        if len(sentences) == 0:
            raise ValueError("a batch needs at least one sentence")
        for i, sentence in enumerate(sentences):
            if isinstance(sentence, str) or not isinstance(sentence, Sequence) or len(sentence) == 0:
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
        return {"input_ids": words, "attention_mask": mask, "chars": chars, "types": types}


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
