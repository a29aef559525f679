"""Tests for ptlib.vocab: the word-level vocabulary, padding and the datasets/DataLoader helpers."""

from __future__ import annotations

import json
import pickle
import random

import datasets
import pytest
import torch
from torch.utils.data import DataLoader

from ptlib.vocab import (
    CLS_ID,
    MASK_ID,
    PAD_ID,
    SEP_ID,
    SPECIAL_TOKENS,
    UNK_ID,
    Vocab,
    VocabError,
    VocabFileError,
    collate,
    pad_batch,
)

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


def test_encode_decode_round_trip(vocab: Vocab) -> None:
    text = "my friend likes the garden ."
    ids = vocab.encode(text)
    assert len(ids) == 6 and UNK_ID not in ids
    assert vocab.decode(ids) == text
    wrapped = vocab.encode(text, add_special=True)
    assert wrapped == [CLS_ID, *ids, SEP_ID]
    assert vocab.decode(wrapped) == f"[CLS] {text} [SEP]"
    assert vocab.decode(wrapped, skip_special=True) == text
    assert vocab.decode(torch.tensor(wrapped), skip_special=True) == text


def test_unknown_words_map_to_unk_and_decode_shows_it(vocab: Vocab) -> None:
    ids = vocab.encode("the giraffe sees")
    assert ids[1] == UNK_ID
    assert vocab.decode(ids, skip_special=True) == "the [UNK] sees"


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


def test_encode_truncation_keeps_sep(vocab: Vocab) -> None:
    ids = vocab.encode("the cat sees the ball .", add_special=True, max_length=4)
    assert ids == [CLS_ID, vocab.token_to_id("the"), vocab.token_to_id("cat"), SEP_ID]
    assert vocab.encode("the cat sees", max_length=2) == vocab.encode("the cat")


def test_encode_pair_token_types(vocab: Vocab) -> None:
    ids, types = vocab.encode_pair("the cat sees", "a bird")
    the, cat, sees, a, bird = (vocab.token_to_id(w) for w in "the cat sees a bird".split())
    assert ids == [CLS_ID, the, cat, sees, SEP_ID, a, bird, SEP_ID]
    assert types == [0, 0, 0, 0, 0, 1, 1, 1]
    # longest first: the 5-word sentence loses words before the 2-word one
    ids, types = vocab.encode_pair("the cat sees the ball", "a bird", max_length=8)
    assert ids == [CLS_ID, the, cat, sees, SEP_ID, a, bird, SEP_ID]
    assert len(types) == len(ids) == 8


def test_pad_batch_shapes_mask_and_truncation() -> None:
    ids, mask = pad_batch([[5, 6, 7], [8], [9, 10]])
    assert ids.dtype == torch.long and mask.dtype == torch.bool
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False], [True, True, False]]
    ids, mask = pad_batch([[5, 6, 7, 8], [9]], max_length=2)
    assert ids.tolist() == [[5, 6], [9, 0]]
    assert mask.sum(1).tolist() == [2, 1]
    ids, _ = pad_batch([torch.tensor([5, 6]), [7]], pad_id=-1)
    assert ids.tolist() == [[5, 6], [7, -1]]


def test_encode_batch(vocab: Vocab) -> None:
    batch = vocab.encode_batch(["the cat sees a book .", "a bird"], add_special=True, max_length=5)
    assert set(batch) == {"input_ids", "attention_mask", "lengths"}
    assert batch["input_ids"].shape == (2, 5)
    assert batch["lengths"].tolist() == [5, 4]
    assert batch["input_ids"][0, -1].item() == SEP_ID  # truncated, but still closed
    assert batch["input_ids"][1].tolist() == [CLS_ID, vocab.token_to_id("a"), vocab.token_to_id("bird"), SEP_ID, 0]
    assert batch["attention_mask"][1].tolist() == [True, True, True, True, False]


def test_pickles_for_dataloader_workers(vocab: Vocab) -> None:
    # DataLoader workers and datasets' map(num_proc=...) pickle what they use
    clone = pickle.loads(pickle.dumps(vocab))
    assert clone == vocab and clone.encode("the cat") == vocab.encode("the cat")
    with pytest.raises(TypeError):
        vocab.counts["the"] = 0  # type: ignore[index]


def test_save_load_round_trip(vocab: Vocab, tmp_path) -> None:
    path = vocab.save(tmp_path / "sub" / "vocab.json")
    loaded = Vocab.load(path)
    assert loaded == vocab
    assert loaded.tokens == vocab.tokens and dict(loaded.counts) == dict(vocab.counts)
    assert json.loads(path.read_text())["version"] == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a ptlib vocabulary file"),
        ('{"format": "ptlib-vocab", "version": 0, "words": [], "counts": []}', "format version 0"),
        (
            '{"format": "ptlib-vocab", "version": 1, "special_tokens": '
            '["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], "words": ["a", "a"], "counts": [1, 1]}',
            "appears twice",
        ),
        (
            '{"format": "ptlib-vocab", "version": 1, "special_tokens": ["[UNK]"], "words": [], "counts": []}',
            "damaged",
        ),
    ],
)
def test_load_rejects_bad_files(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "vocab.json"
    path.write_text(content)
    with pytest.raises(VocabFileError, match=message):
        Vocab.load(path)


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
    with pytest.raises(ValueError, match="text_pair .* has no tokens"):
        vocab.encode_pair("the cat", "")
    with pytest.raises(ValueError, match=r"id 9999 is out of range: this vocabulary has ids 0\.\."):
        vocab.decode([5, 9999])
    with pytest.raises(ValueError, match="out of range"):
        vocab.decode([-1])
    with pytest.raises(ValueError, match="max_length must be an integer >= 3"):
        vocab.encode("the cat", add_special=True, max_length=2)
    with pytest.raises(ValueError, match="non-empty"):
        pad_batch([])
    with pytest.raises(ValueError, match="sequence 1 is empty"):
        pad_batch([[5], []])
    assert isinstance(VocabError("x"), ValueError)


def test_encode_dataset_single_with_torch_format_and_dataloader(vocab: Vocab) -> None:
    ds = datasets.Dataset.from_dict(
        {"text": ["the cat sees a book .", "a bird", "my friend helps the teacher"], "label": [1, 0, 1]}
    )
    enc = vocab.encode_dataset(ds, add_special=True).with_format("torch")
    assert enc.column_names == ["text", "label", "input_ids"]
    row = enc[1]
    assert row["input_ids"].tolist() == [CLS_ID, vocab.token_to_id("a"), vocab.token_to_id("bird"), SEP_ID]
    loader = DataLoader(enc, batch_size=2, collate_fn=collate)
    first = next(iter(loader))
    assert first["input_ids"].shape == (2, 8)
    assert first["attention_mask"].dtype == torch.bool
    assert first["lengths"].tolist() == [8, 4]
    assert first["label"].tolist() == [1, 0]
    assert first["text"] == ["the cat sees a book .", "a bird"]
    assert sum(len(b["input_ids"]) for b in loader) == 3


def test_encode_dataset_pairs_and_dataset_dict(vocab: Vocab) -> None:
    split = datasets.Dataset.from_dict(
        {"text": ["the cat sees a book", "a bird"], "text_pair": ["the dog", "my friend likes"]}
    )
    dd = datasets.DatasetDict(train=split, test=split)
    enc = vocab.encode_dataset(dd, max_length=6)
    train = enc["train"].with_format("torch")
    assert set(train.column_names) >= {"input_ids", "token_type_ids"}
    ids, types = train[0]["input_ids"], train[0]["token_type_ids"]
    # 5 + 2 words do not fit in 6 - 3: the longer sentence is cut to 2 words, then (a tie) the second to 1
    the, cat, a, bird = (vocab.token_to_id(w) for w in "the cat a bird".split())
    assert ids.tolist() == [CLS_ID, the, cat, SEP_ID, the, SEP_ID]
    assert types.tolist() == [0, 0, 0, 0, 1, 1]
    assert enc["test"][0]["input_ids"] == ids.tolist()

    full = vocab.encode_dataset(dd)["test"].with_format("torch")
    batch = collate([full[0], full[1]])
    assert batch["lengths"].tolist() == [10, 8]
    assert batch["input_ids"].shape == batch["token_type_ids"].shape == (2, 10)
    assert batch["input_ids"][1].tolist()[-3:] == [SEP_ID, PAD_ID, PAD_ID]
    assert batch["token_type_ids"][0].tolist() == [0] * 7 + [1] * 3
    # padding positions get segment 0 (not 1) and mask False
    assert batch["token_type_ids"][1].tolist() == [0] * 4 + [1] * 4 + [0, 0]
    assert batch["attention_mask"][1].tolist() == [True] * 8 + [False] * 2


def test_encode_dataset_and_collate_errors(vocab: Vocab) -> None:
    ds = datasets.Dataset.from_dict({"sentence": ["the cat"]})
    with pytest.raises(ValueError, match="no column 'text'"):
        vocab.encode_dataset(ds)
    with pytest.raises(ValueError, match="run encode_dataset first"):
        collate([{"text": "the cat"}])
    with pytest.raises(ValueError, match="has no tokens"):
        vocab.encode_dataset(datasets.Dataset.from_dict({"text": ["the cat", "  "]}))
