"""Tests for ptlib.data.streams: text as one token stream, cut into parallel rows and read in windows."""

from __future__ import annotations

import math

import pytest
import torch

from ptlib.data.streams import batchify, steps_per_epoch, token_stream, windows
from ptlib.data.vocab import UNK_ID, Vocab


def test_token_stream_concatenates_the_texts() -> None:
    vocab = Vocab(["the", "cat", "sees", "a", "dog", "."])  # ids 5..10
    stream = token_stream(["the cat sees a dog .", "a cat", "the zebra ."], vocab)
    assert stream.dtype == torch.long and stream.dim() == 1
    assert stream.tolist() == [5, 6, 7, 8, 9, 10, 8, 6, 5, UNK_ID, 10]
    with pytest.raises(ValueError, match="no texts"):
        token_stream([], vocab)


def test_batchify_by_hand() -> None:
    stream = torch.arange(100, 123)  # 23 tokens: 4 rows of 5, the last 3 tokens dropped
    batched = batchify(stream, 4)
    assert batched.tolist() == [
        [100, 101, 102, 103, 104],
        [105, 106, 107, 108, 109],
        [110, 111, 112, 113, 114],
        [115, 116, 117, 118, 119],
    ]
    assert batchify(torch.arange(6), 3).tolist() == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(ValueError, match="a stream of 5 tokens is too short for 3 rows"):
        batchify(torch.arange(5), 3)  # one column: nothing to predict


def test_windows_by_hand() -> None:
    batched = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]])
    got = [{k: v.tolist() for k, v in w.items()} for w in windows(batched, bptt=4)]
    assert got == [
        {"input_ids": [[0, 1, 2, 3], [10, 11, 12, 13]], "labels": [[1, 2, 3, 4], [11, 12, 13, 14]]},
        {"input_ids": [[4, 5, 6, 7], [14, 15, 16, 17]], "labels": [[5, 6, 7, 8], [15, 16, 17, 18]]},
        {"input_ids": [[8], [18]], "labels": [[9], [19]]},  # the last window is shorter
    ]
    got = [{k: v.tolist() for k, v in w.items()} for w in windows(batched, bptt=4, offset=3)]
    assert got == [
        {"input_ids": [[3, 4, 5, 6], [13, 14, 15, 16]], "labels": [[4, 5, 6, 7], [14, 15, 16, 17]]},
        {"input_ids": [[7, 8], [17, 18]], "labels": [[8, 9], [18, 19]]},
    ]


@pytest.mark.parametrize("n, batch_size, bptt", [(23, 4, 2), (100, 3, 7), (64, 8, 8), (50, 1, 5), (41, 5, 100)])
def test_windows_of_a_batchified_stream(n: int, batch_size: int, bptt: int) -> None:
    # a stream whose token at position p is p: every id says where it came from
    stream = torch.arange(n)
    batched = batchify(stream, batch_size)
    columns = n // batch_size
    pieces = list(windows(batched, bptt))
    assert len(pieces) == math.ceil((columns - 1) / bptt) == steps_per_epoch(n, batch_size, bptt)
    for k, piece in enumerate(pieces):
        inputs, labels = piece["input_ids"], piece["labels"]
        assert inputs.shape == labels.shape and inputs.shape[0] == batch_size
        assert inputs.shape[1] == (bptt if k < len(pieces) - 1 else columns - 1 - bptt * k)
        for i in range(batch_size):
            start = i * columns + k * bptt  # row i reads the stream from i * columns on
            expected = list(range(start, start + inputs.shape[1]))
            assert inputs[i].tolist() == expected
            assert labels[i].tolist() == [p + 1 for p in expected]  # each label is the next token
    # state continuity: row i of window k + 1 starts where row i of window k ended
    for before, after in zip(pieces, pieces[1:]):
        assert torch.equal(after["input_ids"][:, 0], before["labels"][:, -1])
        assert torch.equal(after["input_ids"][:, 0], before["input_ids"][:, -1] + 1)
    # together the windows read every row once: inputs all but its last token, labels all but its first
    assert torch.equal(torch.cat([p["input_ids"] for p in pieces], dim=1), batched[:, :-1])
    assert torch.equal(torch.cat([p["labels"] for p in pieces], dim=1), batched[:, 1:])


def test_steps_per_epoch_by_hand() -> None:
    assert steps_per_epoch(23, 4, 2) == 2  # 5 columns: 4 predictions per row, 2 windows of 2
    assert steps_per_epoch(24, 4, 2) == 3  # 6 columns: 5 predictions, windows of 2, 2, 1
    assert steps_per_epoch(1_000, 10, 33) == 3  # 100 columns: 99 predictions, 3 windows of 33
    assert steps_per_epoch(1_010, 10, 33) == 4  # 101 columns: 100 predictions, one more window of 1
