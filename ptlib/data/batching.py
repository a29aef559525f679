"""Batches, in the one convention every model of the course reads: ``input_ids``, ``attention_mask``, ``labels``.

The names are Hugging Face's, so a batch made here could feed a ``transformers`` model and the other way round.
Padding goes on the right and is id 0 (``[PAD]``) in both tokenisers; ``attention_mask`` is True at real tokens.

- :func:`pad_batch`: id sequences -> a padded rectangle and its mask (``torch.nn.utils.rnn.pad_sequence``);
- :func:`collate`: a DataLoader's ``collate_fn`` for rows of a ``datasets.Dataset`` with ``input_ids``;
- :func:`encode_task` and :func:`labelled_batches`: a labelled task's rows -> (ids, label) examples -> batches;
- :func:`to_device`: move every tensor of a (nested) batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from datasets import Dataset
from torch.nn.utils.rnn import pad_sequence

from .vocab import PAD_ID, Vocab, VocabError

PAIR_SEPARATOR = " [SEP] "
Example = tuple[list[int], int]  # (token ids, label)


def pad_batch(sequences: Sequence[Sequence[int] | torch.Tensor], max_length: int | None = None,
              pad_id: int = PAD_ID) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad id sequences to a rectangle: (ids LongTensor [batch, length], mask BoolTensor, True = real).

    ``max_length`` truncates longer sequences (from the end) first.
    """
    if isinstance(sequences, torch.Tensor) or len(sequences) == 0:
        raise VocabError("pad_batch needs a non-empty list of id sequences")
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1):
        raise VocabError(f"max_length must be an integer >= 1, got {max_length!r}")
    rows = []
    for i, sequence in enumerate(sequences):
        row = torch.as_tensor(sequence, dtype=torch.long)
        if row.dim() != 1:
            raise VocabError(f"sequence {i} should be 1-D ids, got shape {tuple(row.shape)}")
        if row.numel() == 0:
            # a length-0 row breaks pack_padded_sequence and gives NaN in attention: catch it here
            raise VocabError(f"sequence {i} is empty; every row needs at least one token")
        rows.append(row[:max_length])
    ids = pad_sequence(rows, batch_first=True, padding_value=pad_id)
    lengths = torch.tensor([len(row) for row in rows])
    return ids, torch.arange(ids.size(1)) < lengths[:, None]


def collate(rows: Sequence[Mapping[str, Any]], pad_id: int = PAD_ID) -> dict[str, Any]:
    """``collate_fn`` for a DataLoader over rows with ``input_ids`` (e.g. from ``ptlib.data.wordpiece``).

    Returns padded ``input_ids``, a bool ``attention_mask``, padded ``token_type_ids`` if the rows have them; a
    ``label`` column becomes ``labels`` (the batch convention), other numeric fields are stacked under their own
    name and strings kept as lists. Rows padded in advance keep their own ``attention_mask``.
    """
    if len(rows) == 0:
        raise VocabError("collate got an empty batch")
    if "input_ids" not in rows[0]:
        raise VocabError(f"collate needs rows with 'input_ids' (encode the dataset first); got keys {sorted(rows[0])}")
    input_ids, mask = pad_batch([row["input_ids"] for row in rows], pad_id=pad_id)
    if "attention_mask" in rows[0]:  # rows padded in advance: their own mask knows where padding is
        mask = pad_batch([row["attention_mask"] for row in rows], pad_id=0)[0].bool()
    batch: dict[str, Any] = {"input_ids": input_ids, "attention_mask": mask}
    if "token_type_ids" in rows[0]:
        batch["token_type_ids"] = pad_batch([row["token_type_ids"] for row in rows], pad_id=0)[0]
    for key in rows[0]:
        if key in batch:
            continue
        values = [row[key] for row in rows]
        name = "labels" if key == "label" else key
        if all(isinstance(v, (int, float, bool, torch.Tensor)) for v in values):
            batch[name] = torch.stack([torch.as_tensor(v) for v in values])
        else:
            batch[name] = values
    return batch


def task_texts(dataset: Dataset) -> list[str]:
    """The input text for each row of a labelled task: the text, or ``text [SEP] text_pair`` for pair tasks."""
    if "text_pair" in dataset.column_names:
        return [a + PAIR_SEPARATOR + b for a, b in zip(dataset["text"], dataset["text_pair"])]
    return list(dataset["text"])


def encode_task(dataset: Dataset, vocab: Vocab, max_length: int = 256) -> list[Example]:
    """(token ids, label) for each row, cut to ``max_length`` tokens."""
    return [(vocab.encode(text)[:max_length], label) for text, label in zip(task_texts(dataset), dataset["label"])]


def labelled_batches(examples: Sequence[Example], batch_size: int, shuffle: bool = False,
                     generator: torch.Generator | None = None) -> list[dict[str, torch.Tensor]]:
    """Padded batches (``input_ids``, ``attention_mask``, ``labels``), in order or shuffled by ``generator``."""
    if not examples:
        raise ValueError("no examples to batch")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    order = torch.randperm(len(examples), generator=generator).tolist() if shuffle else range(len(examples))
    ordered = [examples[i] for i in order]
    out = []
    for start in range(0, len(ordered), batch_size):
        chunk = ordered[start : start + batch_size]
        ids, mask = pad_batch([ids for ids, _ in chunk])
        out.append({"input_ids": ids, "attention_mask": mask, "labels": torch.tensor([y for _, y in chunk])})
    return out


def to_device(batch: Any, target: torch.device) -> Any:
    """Move every tensor inside a (nested) batch to ``target``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(target, non_blocking=True)
    if isinstance(batch, Mapping):
        return {key: to_device(value, target) for key, value in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # a namedtuple takes its fields one by one
        return type(batch)(*(to_device(value, target) for value in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(value, target) for value in batch)
    return batch
