"""Tests for ptlib.data.wordpiece: a BERT-like WordPiece tokeniser trained with Hugging Face tokenizers."""

from __future__ import annotations

import json
import random

import datasets
import pytest
import torch
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from torch.utils.data import DataLoader

from ptlib.data.batching import collate
from ptlib.data.vocab import CLS_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS
from ptlib.data.wordpiece import (
    WordPieceError,
    WordPieceFileError,
    check_special_ids,
    encode_dataset,
    load_wordpiece,
    save_wordpiece,
    show_tokens,
    train_wordpiece,
)

SUBJECTS = ["the cat", "the dog", "a bird", "my friend", "the teacher", "a student", "the gardener"]
VERBS = ["sees", "likes", "finds", "helps", "watches", "paints", "reads"]
OBJECTS = ["the ball", "a book", "the garden", "an apple", "the river", "a letter", "the painting"]
RARE = "unbelievable"


def make_corpus(n: int = 400, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ." for _ in range(n)]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return make_corpus() + [f"the {RARE} bird sees the river ."]


@pytest.fixture(scope="module")
def tokenizer(corpus: list[str]) -> Tokenizer:
    return train_wordpiece(corpus, vocab_size=200, min_frequency=2)


def test_special_tokens_have_the_vocab_ids(tokenizer: Tokenizer) -> None:
    assert [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS] == [0, 1, 2, 3, 4]
    check_special_ids(tokenizer)  # does not raise
    assert tokenizer.get_vocab_size() <= 200


def test_frequent_word_whole_rare_word_in_pieces(tokenizer: Tokenizer) -> None:
    assert show_tokens(tokenizer, "the teacher") == ["the", "teacher"]
    pieces = show_tokens(tokenizer, RARE)
    assert len(pieces) > 1
    assert not pieces[0].startswith("##") and all(p.startswith("##") for p in pieces[1:])
    assert "".join(p.removeprefix("##") for p in pieces) == RARE
    assert "[UNK]" not in pieces


def test_normaliser_and_pre_tokeniser_are_bert_like(tokenizer: Tokenizer) -> None:
    # lowercased, accents stripped, punctuation split off
    assert show_tokens(tokenizer, "The CAT sées the ball.") == ["the", "cat", "sees", "the", "ball", "."]
    # a character never seen is unknown as a whole word
    assert show_tokens(tokenizer, "the zebra") == ["the", "[UNK]"]


def test_templates_and_segment_ids(tokenizer: Tokenizer) -> None:
    single = tokenizer.encode("the cat sees")
    assert single.tokens == ["[CLS]", "the", "cat", "sees", "[SEP]"]
    assert single.ids[0] == CLS_ID and single.ids[-1] == SEP_ID
    pair = tokenizer.encode("the cat", "a bird")
    assert pair.tokens == ["[CLS]", "the", "cat", "[SEP]", "a", "bird", "[SEP]"]
    assert pair.type_ids == [0, 0, 0, 0, 1, 1, 1]
    assert show_tokens(tokenizer, "the cat", add_special=True) == ["[CLS]", "the", "cat", "[SEP]"]


def test_decode_joins_pieces(tokenizer: Tokenizer) -> None:
    text = f"my friend finds the {RARE} letter"
    ids = tokenizer.encode(text).ids
    assert tokenizer.decode(ids) == text  # [CLS]/[SEP] skipped, ## pieces glued back


def test_same_texts_same_vocabulary(corpus: list[str]) -> None:
    # tokenizers' own trainer breaks ties in hash-map order (huggingface/tokenizers#1794);
    # a small vocabulary makes such ties decide which merges get in.
    vocabs = [json.dumps(train_wordpiece(corpus, vocab_size=90).get_vocab(), sort_keys=True) for _ in range(6)]
    assert len(set(vocabs)) == 1
    generator = (t for t in corpus)  # any iterable of strings will do
    assert json.dumps(train_wordpiece(generator, vocab_size=90).get_vocab(), sort_keys=True) == vocabs[0]


def test_vocab_size_and_min_frequency_matter(corpus: list[str]) -> None:
    small = train_wordpiece(corpus, vocab_size=90)
    large = train_wordpiece(corpus, vocab_size=400)
    assert small.get_vocab_size() == 90
    assert set(small.get_vocab()) < set(large.get_vocab())
    assert len(show_tokens(small, "the gardener paints")) > len(show_tokens(large, "the gardener paints"))
    # a word seen once never becomes a whole token when merges need two occurrences
    assert len(show_tokens(train_wordpiece(corpus, vocab_size=2000, min_frequency=2), RARE)) > 1
    assert show_tokens(train_wordpiece(corpus, vocab_size=2000, min_frequency=1), RARE) == [RARE]


def test_bad_input_messages(corpus: list[str]) -> None:
    with pytest.raises(ValueError, match="no tokens"):
        train_wordpiece(["", "  ", "\n"])
    with pytest.raises(ValueError, match="no tokens"):
        train_wordpiece([])
    with pytest.raises(ValueError, match="not one string"):
        train_wordpiece("the cat sees the dog")
    with pytest.raises(ValueError, match=r"ds\['text'\]"):
        train_wordpiece([{"text": "the cat"}])
    with pytest.raises(ValueError, match=r"vocab_size=20 is too small: .* need \d+ entries"):
        train_wordpiece(corpus, vocab_size=20)
    with pytest.raises(ValueError, match="vocab_size must be a positive integer"):
        train_wordpiece(corpus, vocab_size=0)
    with pytest.raises(ValueError, match="min_frequency"):
        train_wordpiece(corpus, min_frequency=-1)
    assert issubclass(WordPieceFileError, WordPieceError) and issubclass(WordPieceError, ValueError)


def test_save_load_round_trip(tokenizer: Tokenizer, tmp_path) -> None:
    path = save_wordpiece(tokenizer, tmp_path / "sub" / "wordpiece.json")
    loaded = load_wordpiece(path)
    assert loaded.get_vocab() == tokenizer.get_vocab()
    pair = ("the gardener paints", f"an {RARE} apple")
    assert loaded.encode(*pair).ids == tokenizer.encode(*pair).ids
    assert loaded.encode(*pair).type_ids == tokenizer.encode(*pair).type_ids


def test_load_rejects_bad_files(tmp_path) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"version": "1.0", "model": ')
    with pytest.raises(WordPieceFileError, match="not a readable tokeniser file"):
        load_wordpiece(corrupt)
    foreign = tmp_path / "foreign.json"
    foreign.write_text(Tokenizer(WordLevel({"[UNK]": 0, "hello": 1}, unk_token="[UNK]")).to_str())
    with pytest.raises(WordPieceFileError, match="special token ids"):
        load_wordpiece(foreign)
    with pytest.raises(FileNotFoundError):
        load_wordpiece(tmp_path / "missing.json")


def test_encode_dataset_single_torch_dataloader(tokenizer: Tokenizer) -> None:
    ds = datasets.Dataset.from_dict(
        {"text": ["the cat sees the river .", "a bird", f"the {RARE} dog"], "label": [1, 0, 1]}
    )
    enc = encode_dataset(ds, tokenizer, max_length=6).with_format("torch")
    assert {"input_ids", "token_type_ids", "attention_mask"} <= set(enc.column_names)
    first = enc[0]
    assert len(first["input_ids"]) == 6  # [CLS] + 4 of 6 tokens + [SEP]
    assert first["input_ids"][0].item() == CLS_ID and first["input_ids"][-1].item() == SEP_ID
    assert first["token_type_ids"].tolist() == [0] * 6
    assert tokenizer.truncation is None  # the caller's tokeniser is left as it was
    batch = next(iter(DataLoader(enc, batch_size=3, collate_fn=collate)))
    assert set(batch) == {"input_ids", "attention_mask", "token_type_ids", "labels", "text"}
    assert batch["input_ids"].shape == batch["token_type_ids"].shape == (3, 6)
    assert batch["attention_mask"].sum(1).tolist() == [6, 4, 6]
    assert batch["input_ids"][1, 4:].tolist() == [PAD_ID, PAD_ID]
    assert batch["attention_mask"][1].tolist() == [True] * 4 + [False] * 2
    assert batch["labels"].tolist() == [1, 0, 1]
    assert batch["text"] == ds["text"]
    for i, text in enumerate(ds["text"]):  # the tokeniser's own encoding, cut to [CLS] + 4 + [SEP], then padding
        full = tokenizer.encode(text).ids
        ids = full[:5] + [SEP_ID] if len(full) > 6 else full
        assert batch["input_ids"][i].tolist() == ids + [PAD_ID] * (6 - len(ids))


def test_encode_dataset_pairs_and_fixed_padding(tokenizer: Tokenizer) -> None:
    split = datasets.Dataset.from_dict(
        {"text": ["the cat sees", "a bird"], "text_pair": ["the dog .", "my friend likes the ball"], "label": [0, 1]}
    )
    dd = datasets.DatasetDict(train=split, validation=split)
    enc = encode_dataset(dd, tokenizer, max_length=12, pad_to_max_length=True)
    val = enc["validation"].with_format("torch")
    row = val[0]
    assert row["input_ids"].shape == (12,)
    expected = tokenizer.encode("the cat sees", "the dog .")
    assert row["input_ids"][:9].tolist() == expected.ids
    assert row["token_type_ids"][:9].tolist() == [0] * 5 + [1] * 4
    assert row["attention_mask"].tolist() == [1] * 9 + [0] * 3
    # every row has the same length, so the default DataLoader collation works
    batch = next(iter(DataLoader(val, batch_size=2)))
    assert batch["input_ids"].shape == (2, 12)
    # and ptlib's collate respects the precomputed mask of padded rows
    batch = collate([val[0], val[1]])
    assert batch["attention_mask"].dtype == torch.bool
    assert batch["attention_mask"].sum(1).tolist() == [9, 10]
    assert batch["labels"].tolist() == [0, 1]


def test_encode_dataset_errors(tokenizer: Tokenizer) -> None:
    ds = datasets.Dataset.from_dict({"text": ["the cat", " "]})
    with pytest.raises(ValueError, match="empty or non-text row"):
        encode_dataset(ds, tokenizer)
    with pytest.raises(ValueError, match="no column 'sentence'"):
        encode_dataset(ds, tokenizer, column="sentence")
    with pytest.raises(ValueError, match="max_length must be an integer >= 3"):
        encode_dataset(ds, tokenizer, max_length=2)
    with pytest.raises(ValueError, match="must be a string"):
        show_tokens(tokenizer, ["the cat"])  # type: ignore[arg-type]
