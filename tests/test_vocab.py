"""Tests for ptlib.data.vocab: the word-level vocabulary of the recurrent models (padding: test_batching.py)."""

from __future__ import annotations

import pickle
import random

import pytest
import torch

from ptlib.data.vocab import CLS_ID, MASK_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, UNK_ID, Vocab, VocabError

SUBJECTS = ["the cat", "the dog", "a bird", "my friend", "the teacher"]
VERBS = ["sees", "likes", "finds", "helps"]
OBJECTS = ["the ball", "a book", "the garden", "an apple"]


def make_corpus(n: int = 300, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ." for _ in range(n)]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return make_corpus() + ["the zebra sees a unicorn ."]  # zebra, unicorn: seen once


@pytest.fixture(scope="module")
def vocab(corpus: list[str]) -> Vocab:
    return Vocab.build(corpus)


def test_special_tokens_have_fixed_ids(vocab: Vocab) -> None:
    assert SPECIAL_TOKENS == ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
    assert (PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID) == (0, 1, 2, 3, 4)
    assert [vocab.token_to_id(t) for t in SPECIAL_TOKENS] == [0, 1, 2, 3, 4]
    assert vocab.tokens[:5] == list(SPECIAL_TOKENS)
    # a [MASK] written in a probe sentence is the mask token, not an unknown word
    assert vocab.encode("the [MASK] sees") == [vocab.token_to_id("the"), MASK_ID, vocab.token_to_id("sees")]


def test_order_is_by_count_then_alphabetical() -> None:
    v = Vocab.build(["b a c", "c b", "c d", "e"])
    assert v.tokens[5:] == ["c", "b", "a", "d", "e"]
    assert dict(v.counts) == {"c": 3, "b": 2, "a": 1, "d": 1, "e": 1}
    # the same texts in another order give the same ids
    assert Vocab.build(["e", "c d", "c b", "b a c"]) == v


def test_counts_and_lookup(vocab: Vocab, corpus: list[str]) -> None:
    expected = sum(text.split().count("the") for text in corpus)
    assert vocab.counts["the"] == expected
    assert vocab.counts["zebra"] == 1
    assert "zebra" in vocab and "[PAD]" in vocab and "giraffe" not in vocab
    assert vocab.id_to_token(vocab.token_to_id("garden")) == "garden"
    assert vocab.token_to_id("giraffe") == UNK_ID
    assert len(vocab) == len(SPECIAL_TOKENS) + len({w for t in corpus for w in t.split()})


def test_encode_looks_up_every_word(vocab: Vocab) -> None:
    text = "my friend likes the garden ."
    ids = vocab.encode(text)
    assert ids == [vocab.tokens.index(word) for word in text.split()]  # brute force over the token list
    assert [vocab.id_to_token(i) for i in ids] == text.split()
    assert vocab.id_to_token(torch.tensor(ids[0])) == "my"
    assert vocab.encode("  my\tfriend \n") == ids[:2]  # any whitespace separates words


def test_unknown_words_map_to_unk(vocab: Vocab) -> None:
    ids = vocab.encode("the giraffe sees")
    assert ids == [vocab.token_to_id("the"), UNK_ID, vocab.token_to_id("sees")]
    assert vocab.id_to_token(ids[1]) == "[UNK]"


def test_vocab_from_a_word_list() -> None:
    v = Vocab(["the", "cat"], counts={"the": 3})
    assert v.tokens == [*SPECIAL_TOKENS, "the", "cat"] and len(v) == 7
    assert v.encode("the cat the dog") == [5, 6, 5, UNK_ID]
    assert dict(v.counts) == {"the": 3, "cat": 0}
    assert "Vocab(7 tokens" in repr(v)
    with pytest.raises(VocabError, match="appears twice"):
        Vocab(["the", "cat", "the"])
    with pytest.raises(VocabError, match="appears twice"):
        Vocab(["[PAD]"])
    with pytest.raises(VocabError, match="is not a word"):
        Vocab(["the cat"])
    with pytest.raises(VocabError, match="not one string"):
        Vocab("the")


def test_min_count_drops_rare_words(corpus: list[str]) -> None:
    full = Vocab.build(corpus, min_count=1)
    pruned = Vocab.build(corpus, min_count=2)
    assert "zebra" in full and "zebra" not in pruned and "unicorn" not in pruned
    assert len(pruned) == len(full) - 2
    assert pruned.encode("the zebra")[1] == UNK_ID


def test_max_size_counts_the_special_tokens(corpus: list[str]) -> None:
    v = Vocab.build(corpus, max_size=8)
    assert len(v) == 8
    full = Vocab.build(corpus)
    assert v.tokens == full.tokens[:8]  # the three most frequent words survive


def test_pickles_for_dataloader_workers(vocab: Vocab) -> None:
    # DataLoader workers and datasets' map(num_proc=...) pickle what they use
    clone = pickle.loads(pickle.dumps(vocab))
    assert clone == vocab and clone.encode("the cat") == vocab.encode("the cat")
    with pytest.raises(TypeError):
        vocab.counts["the"] = 0  # type: ignore[index]


def test_bad_input_messages(vocab: Vocab) -> None:
    with pytest.raises(ValueError, match="no tokens"):
        Vocab.build(["", "   ", "\n"])
    with pytest.raises(ValueError, match="no tokens"):
        Vocab.build([])
    with pytest.raises(ValueError, match="not one string"):
        Vocab.build("the cat sees")
    with pytest.raises(ValueError, match=r"ds\['text'\]"):
        Vocab.build([{"text": "the cat"}])
    with pytest.raises(ValueError, match="min_count must be an integer >= 1"):
        Vocab.build(["a b"], min_count=0)
    with pytest.raises(ValueError, match="min_count=3 keeps no word"):
        Vocab.build(["a b", "a"], min_count=3)
    with pytest.raises(ValueError, match="max_size"):
        Vocab.build(["a b"], max_size=5)
    with pytest.raises(ValueError, match="has no tokens"):
        vocab.encode("")
    with pytest.raises(ValueError, match="has no tokens"):
        vocab.encode(" \t ")
    with pytest.raises(ValueError, match=r"id 9999 is out of range: this vocabulary has ids 0\.\."):
        vocab.id_to_token(9999)
    with pytest.raises(ValueError, match="out of range"):
        vocab.id_to_token(-1)
    with pytest.raises(ValueError, match="out of range"):
        vocab.id_to_token(True)
    with pytest.raises(ValueError, match=r"ds\['text'\]"):
        vocab.encode({"text": "the cat"})  # type: ignore[arg-type]
    assert isinstance(VocabError("x"), ValueError)
