"""Tests for ptlib.data.batching: padding, collation into input_ids/attention_mask/labels, task batches, devices."""

from __future__ import annotations

import random
from collections import Counter

import datasets
import pytest
import torch
from torch.utils.data import DataLoader

from ptlib.data.batching import PAIR_SEPARATOR, collate, encode_task, labelled_batches, pad_batch, task_texts, to_device
from ptlib.data.vocab import PAD_ID, SEP_ID, UNK_ID, Vocab, VocabError


def reference_pad(sequences, max_length=None, pad_id=PAD_ID):
    """Padding written out as loops over plain lists: (ids, mask) as nested lists, padding on the right."""
    rows = [[int(x) for x in sequence] for sequence in sequences]
    if max_length is not None:
        rows = [row[:max_length] for row in rows]
    width = max(len(row) for row in rows)
    ids, mask = [], []
    for row in rows:
        ids.append([row[j] if j < len(row) else pad_id for j in range(width)])
        mask.append([j < len(row) for j in range(width)])
    return ids, mask


def random_sequences(rng: random.Random, n: int, longest: int = 9) -> list[list[int]]:
    return [[rng.randrange(5, 100) for _ in range(rng.randint(1, longest))] for _ in range(n)]


# --- pad_batch -------------------------------------------------------------------------------------------------


def test_pad_batch_by_hand() -> None:
    ids, mask = pad_batch([[5, 6, 7], [8], [9, 10]])
    assert ids.dtype == torch.long and mask.dtype == torch.bool
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False], [True, True, False]]
    ids, mask = pad_batch([[5, 6, 7, 8], [9]], max_length=2)
    assert ids.tolist() == [[5, 6], [9, 0]]
    assert mask.tolist() == [[True, True], [True, False]]
    ids, _ = pad_batch([torch.tensor([5, 6]), [7]], pad_id=-1)
    assert ids.tolist() == [[5, 6], [7, -1]]


@pytest.mark.parametrize("seed", range(20))
def test_pad_batch_matches_a_brute_force_loop(seed: int) -> None:
    rng = random.Random(seed)
    sequences = random_sequences(rng, rng.randint(1, 8))
    # lists, tuples and 1-D tensors are all accepted, in any mix
    mixed = [torch.tensor(s) if i % 3 == 0 else tuple(s) if i % 3 == 1 else s for i, s in enumerate(sequences)]
    max_length = rng.choice([None, 1, 3, 20])
    pad_id = rng.choice([PAD_ID, -1, 7])
    ids, mask = pad_batch(mixed, max_length=max_length, pad_id=pad_id)
    expected_ids, expected_mask = reference_pad(sequences, max_length, pad_id)
    assert ids.dtype == torch.long and mask.dtype == torch.bool
    assert ids.tolist() == expected_ids
    assert mask.tolist() == expected_mask


def test_pad_batch_mask_is_not_guessed_from_the_pad_id() -> None:
    # a real token that happens to equal the pad id is still a real token
    ids, mask = pad_batch([[0, 5, 0], [6]])
    assert ids.tolist() == [[0, 5, 0], [6, 0, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False]]


@pytest.mark.parametrize(
    "sequences, kwargs, message",
    [
        ([], {}, "non-empty"),
        (torch.tensor([[1, 2]]), {}, "non-empty list"),
        ([[5], []], {}, "sequence 1 is empty"),
        ([[5], [[6, 7]]], {}, r"sequence 1 should be 1-D ids, got shape \(1, 2\)"),
        ([[5]], {"max_length": 0}, "max_length must be an integer >= 1"),
        ([[5]], {"max_length": True}, "max_length must be an integer >= 1"),
        ([[5]], {"max_length": 2.5}, "max_length must be an integer >= 1"),
    ],
)
def test_pad_batch_refuses_bad_input(sequences, kwargs, message) -> None:
    with pytest.raises(VocabError, match=message):
        pad_batch(sequences, **kwargs)


# --- collate ---------------------------------------------------------------------------------------------------

ROWS = [
    {"input_ids": [2, 11, 12, 3], "label": 1, "text": "a b", "weight": 0.5},
    {"input_ids": [2, 13, 3], "label": 0, "text": "c", "weight": 1.5},
    {"input_ids": [2, 14, 15, 16, 17, 3], "label": 1, "text": "d e f g", "weight": 2.0},
]


def test_collate_pads_renames_label_and_keeps_other_columns() -> None:
    batch = collate(ROWS)
    assert set(batch) == {"input_ids", "attention_mask", "labels", "text", "weight"}  # no "lengths", no "label"
    expected_ids, expected_mask = reference_pad([r["input_ids"] for r in ROWS])
    assert batch["input_ids"].tolist() == expected_ids
    assert batch["attention_mask"].dtype == torch.bool and batch["attention_mask"].tolist() == expected_mask
    assert batch["labels"].dtype == torch.long and batch["labels"].tolist() == [1, 0, 1]
    assert batch["weight"].tolist() == [0.5, 1.5, 2.0]
    assert batch["text"] == ["a b", "c", "d e f g"]


def test_collate_pads_token_type_ids_with_segment_zero() -> None:
    rows = [
        {"input_ids": [2, 11, 3, 12, 3], "token_type_ids": [0, 0, 0, 1, 1], "label": 0},
        {"input_ids": [2, 13, 3], "token_type_ids": [0, 0, 0], "label": 1},
        {"input_ids": [2, 14, 3, 15, 16, 17, 3], "token_type_ids": [0, 0, 0, 1, 1, 1, 1], "label": 1},
    ]
    batch = collate(rows)
    assert set(batch) == {"input_ids", "attention_mask", "token_type_ids", "labels"}
    assert batch["input_ids"].shape == batch["token_type_ids"].shape == batch["attention_mask"].shape == (3, 7)
    assert batch["token_type_ids"].tolist() == reference_pad([r["token_type_ids"] for r in rows], pad_id=0)[0]
    assert batch["token_type_ids"][1].tolist() == [0] * 7  # padding is segment 0, not 1
    assert batch["attention_mask"].tolist() == reference_pad([r["input_ids"] for r in rows])[1]


def test_collate_keeps_the_mask_of_rows_padded_in_advance() -> None:
    rows = [
        {"input_ids": [2, 11, 3, 0, 0], "attention_mask": [1, 1, 1, 0, 0]},
        {"input_ids": [2, 12, 13, 14, 3], "attention_mask": [1, 1, 1, 1, 1]},
    ]
    batch = collate(rows)
    assert batch["input_ids"].tolist() == [r["input_ids"] for r in rows]
    assert batch["attention_mask"].dtype == torch.bool
    assert batch["attention_mask"].tolist() == [[bool(m) for m in r["attention_mask"]] for r in rows]


def test_collate_in_a_dataloader_over_a_torch_formatted_dataset() -> None:
    rng = random.Random(0)
    sequences = random_sequences(rng, 7)
    columns = {
        "input_ids": sequences,
        "token_type_ids": [[0] * (len(s) // 2) + [1] * (len(s) - len(s) // 2) for s in sequences],
        "label": [i % 2 for i in range(7)],
        "text": [f"row {i}" for i in range(7)],
    }
    ds = datasets.Dataset.from_dict(columns).with_format("torch")
    assert isinstance(ds[0]["input_ids"], torch.Tensor)  # the rows collate sees are tensors, not lists
    batches = list(DataLoader(ds, batch_size=3, collate_fn=collate))
    assert [len(b["labels"]) for b in batches] == [3, 3, 1]
    for k, batch in enumerate(batches):
        rows = range(3 * k, min(3 * k + 3, 7))
        assert set(batch) == {"input_ids", "attention_mask", "token_type_ids", "labels", "text"}
        ids, mask = reference_pad([sequences[i] for i in rows])
        assert batch["input_ids"].tolist() == ids
        assert batch["attention_mask"].tolist() == mask
        assert batch["token_type_ids"].tolist() == reference_pad([columns["token_type_ids"][i] for i in rows],
                                                                 pad_id=0)[0]
        assert batch["labels"].tolist() == [columns["label"][i] for i in rows]
        assert batch["text"] == [columns["text"][i] for i in rows]


def test_collate_errors() -> None:
    with pytest.raises(VocabError, match="empty batch"):
        collate([])
    with pytest.raises(VocabError, match="needs rows with 'input_ids' .*encode the dataset first.*'text'"):
        collate([{"text": "the cat"}])


# --- task batches ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vocab() -> Vocab:
    return Vocab(["the", "cat", "dog", "sees", "a", "bird", "."])


def test_task_texts_joins_pairs_with_sep() -> None:
    single = datasets.Dataset.from_dict({"text": ["the cat", "a dog"], "label": [0, 1]})
    assert task_texts(single) == ["the cat", "a dog"]
    pair = datasets.Dataset.from_dict({"text": ["the cat", "a dog"], "text_pair": ["sees", "a bird"], "label": [0, 1]})
    assert task_texts(pair) == ["the cat [SEP] sees", "a dog [SEP] a bird"]
    assert PAIR_SEPARATOR == " [SEP] "


def test_encode_task_by_hand(vocab: Vocab) -> None:
    ids = {w: vocab.tokens.index(w) for w in vocab.tokens}
    pair = datasets.Dataset.from_dict(
        {"text": ["the cat sees", "a zebra"], "text_pair": ["a bird .", "the dog"], "label": [1, 0]}
    )
    examples = encode_task(pair, vocab)
    assert examples == [
        ([ids["the"], ids["cat"], ids["sees"], SEP_ID, ids["a"], ids["bird"], ids["."]], 1),
        ([ids["a"], UNK_ID, SEP_ID, ids["the"], ids["dog"]], 0),
    ]
    assert encode_task(pair, vocab, max_length=2) == [([ids["the"], ids["cat"]], 1), ([ids["a"], UNK_ID], 0)]


EXAMPLES = [([5 + i] * (1 + i % 4), i % 3) for i in range(23)]  # every example is different


def _unpad(batches):
    """The (ids, label) examples inside padded batches, read back through the mask."""
    out = []
    for batch in batches:
        for ids, mask, label in zip(batch["input_ids"], batch["attention_mask"], batch["labels"]):
            out.append((ids[mask].tolist(), int(label)))
    return out


def test_labelled_batches_in_order() -> None:
    batches = labelled_batches(EXAMPLES, batch_size=5)
    assert [len(b["labels"]) for b in batches] == [5, 5, 5, 5, 3]
    for batch in batches:
        assert set(batch) == {"input_ids", "attention_mask", "labels"}
    assert _unpad(batches) == EXAMPLES
    first_ids, first_mask = reference_pad([ids for ids, _ in EXAMPLES[:5]])
    assert batches[0]["input_ids"].tolist() == first_ids and batches[0]["attention_mask"].tolist() == first_mask


def test_labelled_batches_shuffle_by_generator_and_keep_every_example_once() -> None:
    def run(seed):
        return _unpad(labelled_batches(EXAMPLES, 4, shuffle=True, generator=torch.Generator().manual_seed(seed)))

    first = run(0)
    assert first == run(0)  # the same generator seed, the same order
    assert first != EXAMPLES  # shuffled
    assert run(1) != first  # another seed, another order
    for order in (first, run(1)):
        assert Counter((tuple(ids), y) for ids, y in order) == Counter((tuple(ids), y) for ids, y in EXAMPLES)
    with pytest.raises(ValueError, match="no examples"):
        labelled_batches([], 4)


# --- to_device -------------------------------------------------------------------------------------------------


def test_to_device_moves_every_tensor_in_a_nested_batch() -> None:
    target = torch.device("meta")  # a device every machine has, and visibly not the CPU
    batch = {
        "input_ids": torch.ones(2, 3, dtype=torch.long),
        "nested": {"mask": torch.ones(2, 3, dtype=torch.bool), "list": [torch.zeros(1), "keep", 3]},
        "pair": (torch.zeros(2), None),
        "text": ["a", "b"],
        "n": 7,
    }
    moved = to_device(batch, target)
    assert moved["input_ids"].device == target and moved["input_ids"].dtype == torch.long
    assert moved["input_ids"].shape == (2, 3)
    assert moved["nested"]["mask"].device == target and moved["nested"]["mask"].dtype == torch.bool
    assert moved["nested"]["list"][0].device == target
    assert moved["nested"]["list"][1:] == ["keep", 3] and isinstance(moved["nested"]["list"], list)
    assert isinstance(moved["pair"], tuple) and moved["pair"][0].device == target and moved["pair"][1] is None
    assert moved["text"] == ["a", "b"] and moved["n"] == 7
    assert batch["input_ids"].device.type == "cpu"  # the original is left alone
    assert to_device(torch.ones(1), target).device == target
    assert to_device("text", target) == "text"


def test_to_device_rebuilds_namedtuples_and_batch_size_is_checked():
    from collections import namedtuple

    Pair = namedtuple("Pair", "ids labels")
    moved = to_device(Pair(torch.ones(2), torch.zeros(2)), torch.device("cpu"))
    assert isinstance(moved, Pair) and torch.equal(moved.labels, torch.zeros(2))
    with pytest.raises(ValueError, match="batch_size"):
        labelled_batches([([5], 0)], 0)
