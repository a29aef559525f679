"""A text classifier on top of a (pre-trained or fresh) AWD-LSTM encoder, as in ULMFiT.

The encoder reads the text; *concat pooling* summarises its last layer as
``[last real state; max over time; mean over time]`` (padding excluded from all three); a small
head maps that to class scores. Pair tasks read ``text [SEP] text_pair`` as one sequence.

Three ways to use the encoder, compared in notebook 01:
- from scratch: a fresh encoder, everything trained on the labelled set;
- features: a pre-trained encoder kept frozen, only the head trained (a linear probe when ``hidden=0``);
- fine-tuning: a pre-trained encoder trained end to end together with the head.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from datasets import Dataset
from torch import nn

from .awd_lstm import AWDLSTMEncoder
from .runtime import device as default_device
from .training import History, fit
from .vocab import PAD_ID, UNK_ID, Vocab, pad_batch

PAIR_SEPARATOR = " [SEP] "


class ConcatPooling(nn.Module):
    """[batch, time, size] + mask [batch, time] -> [batch, 3 * size] (last, max, mean over real tokens)."""

    def forward(self, outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        lengths = mask.sum(1)
        if (lengths == 0).any():
            raise ValueError("a sequence in the batch has no tokens: every text needs at least one")
        last = outputs[torch.arange(outputs.size(0)), lengths - 1]
        masked = mask.unsqueeze(-1)
        maximum = outputs.masked_fill(~masked, float("-inf")).max(1).values
        mean = (outputs * masked).sum(1) / lengths.unsqueeze(-1)
        return torch.cat([last, maximum, mean], -1)


class LSTMClassifier(nn.Module):
    """Encoder -> concat pooling -> head. ``hidden=0`` makes the head a single linear layer.

    With ``bptt`` set, a long document is read as ULMFiT reads it ("BPTT for text classification"):
    in windows of ``bptt`` tokens, each window starting from the state the previous one ended in, with
    every window's outputs kept for pooling. ``grad_windows`` lets only the last windows back-propagate
    (earlier ones run without a graph), which bounds memory for documents of any length.
    """

    def __init__(self, encoder: AWDLSTMEncoder, n_classes: int, hidden: int = 50, dropout: float = 0.1,
                 bptt: int | None = None, grad_windows: int | None = None):
        super().__init__()
        if bptt is not None and bptt < 1:
            raise ValueError(f"bptt must be a positive number of tokens, got {bptt}")
        if grad_windows is not None and grad_windows < 1:
            raise ValueError(f"grad_windows must be at least 1, got {grad_windows}")
        self.encoder = encoder
        self.pooling = ConcatPooling()
        self.bptt, self.grad_windows = bptt, grad_windows
        features = 3 * encoder.output_size
        if hidden:
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(features, hidden), nn.ReLU(),
                                      nn.Dropout(dropout), nn.Linear(hidden, n_classes))
        else:
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(features, n_classes))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # input_ids, attention_mask: [batch, time] -> logits [batch, n_classes]
        if input_ids.dim() != 2 or input_ids.numel() == 0:
            raise ValueError(f"expected a non-empty [batch, time] batch of token ids, got {tuple(input_ids.shape)}")
        return self.head(self.pooling(self.read(input_ids), attention_mask))

    def read(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The last layer's outputs [batch, time, size], in BPTT windows when ``bptt`` is set."""
        if self.bptt is None or input_ids.size(1) <= self.bptt:
            return self.encoder(input_ids)[0][-1]
        starts = list(range(0, input_ids.size(1), self.bptt))
        first_with_grad = 0 if self.grad_windows is None else max(0, len(starts) - self.grad_windows)
        outputs, state = [], None
        for index, start in enumerate(starts):
            with torch.set_grad_enabled(torch.is_grad_enabled() and index >= first_with_grad):
                layer_outputs, state = self.encoder(input_ids[:, start : start + self.bptt], state)
            outputs.append(layer_outputs[-1])
        return torch.cat(outputs, 1)

    def freeze_encoder(self, frozen: bool = True) -> None:
        for parameter in self.encoder.parameters():
            parameter.requires_grad = not frozen


def task_texts(dataset: Dataset) -> list[str]:
    """The classifier's input text for each row: the text, or ``text [SEP] text_pair`` for pair tasks."""
    if "text_pair" in dataset.column_names:
        return [a + PAIR_SEPARATOR + b for a, b in zip(dataset["text"], dataset["text_pair"])]
    return list(dataset["text"])


def encode(dataset: Dataset, vocab: Vocab, max_length: int = 256) -> list[tuple[list[int], int]]:
    """(token ids, label) for each row, cut to ``max_length`` tokens."""
    return [(vocab.encode(text)[:max_length], label) for text, label in zip(task_texts(dataset), dataset["label"])]


def batches(examples: Sequence[tuple[list[int], int]], batch_size: int, shuffle: bool = False,
            generator: torch.Generator | None = None) -> list[dict[str, torch.Tensor]]:
    """Padded batches (``input_ids``, ``attention_mask``, ``labels``)."""
    if not examples:
        raise ValueError("no examples to batch")
    order = torch.randperm(len(examples), generator=generator).tolist() if shuffle else range(len(examples))
    ordered = [examples[i] for i in order]
    out = []
    for start in range(0, len(ordered), batch_size):
        chunk = ordered[start : start + batch_size]
        ids, mask = pad_batch([ids for ids, _ in chunk], pad_id=PAD_ID)
        out.append({"input_ids": ids, "attention_mask": mask, "labels": torch.tensor([y for _, y in chunk])})
    return out


def classification_loss(model: LSTMClassifier, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return F.cross_entropy(model(batch["input_ids"], batch["attention_mask"]), batch["labels"])


@torch.no_grad()
def predict(model: LSTMClassifier, examples: Sequence[tuple[list[int], int]], batch_size: int = 128) -> torch.Tensor:
    model.eval()
    target = next(model.parameters()).device
    predictions = [model(b["input_ids"].to(target), b["attention_mask"].to(target)).argmax(-1).cpu()
                   for b in batches(examples, batch_size)]
    return torch.cat(predictions)


def predict_texts(model: LSTMClassifier, vocab: Vocab, texts: Sequence[str]) -> list[dict[str, float | int]]:
    """Class probabilities for raw texts: one dict per text (``label``, ``probability``, ``known``).

    ``known`` is the fraction of the text's words in the vocabulary; a text with none gets its prediction
    (the model sees only [UNK]s) and a warning that says so. An empty text cannot be classified.
    """
    if isinstance(texts, str):
        texts = [texts]
    if not texts:
        raise ValueError("no texts to classify: pass a list with at least one text")
    examples = []
    for index, text in enumerate(texts):
        if not isinstance(text, str) or not text.split():
            raise ValueError(f"text {index} is empty ({text!r}): a classifier needs at least one word")
        examples.append((vocab.encode(text), -1))
    model.eval()
    target = next(model.parameters()).device
    rows = []
    for batch in batches(examples, 128):
        with torch.no_grad():
            logits = model(batch["input_ids"].to(target), batch["attention_mask"].to(target))
        rows += [{"label": int(p.argmax()), "probability": float(p.max())} for p in logits.softmax(-1).cpu()]
    for index, (row, (ids, _)) in enumerate(zip(rows, examples)):
        row["known"] = sum(i != UNK_ID for i in ids) / len(ids)
        if row["known"] == 0:
            warnings.warn(f"text {index} ({texts[index][:40]!r}) has no word the model knows: its prediction "
                          "is a guess from [UNK] tokens alone", stacklevel=2)
    return rows


def accuracy(model: LSTMClassifier, examples: Sequence[tuple[list[int], int]]) -> float:
    labels = torch.tensor([y for _, y in examples])
    return (predict(model, examples) == labels).float().mean().item()


def train_classifier(
    model: LSTMClassifier,
    train: Sequence[tuple[list[int], int]],
    *,
    epochs: int | None = None,
    steps: int | None = None,
    lr: float = 1e-3,
    encoder_lr: float | None = None,
    batch_size: int = 16,
    validation: Sequence[tuple[list[int], int]] | None = None,
    seed: int = 0,
    progress: bool = False,
    desc: str = "classifier",
    device: torch.device | None = None,
) -> History:
    """Train with Adam for ``epochs``, or for about ``steps`` optimiser steps (rounded up to whole epochs).

    ``encoder_lr`` (default ``lr``) lets a pre-trained encoder move more gently than the fresh head.
    """
    if (epochs is None) == (steps is None):
        raise ValueError("give either epochs or steps")
    if steps is not None:
        epochs = math.ceil(steps / math.ceil(len(train) / batch_size)) if train else 1
    generator = torch.Generator().manual_seed(seed)
    head_params = [p for name, p in model.named_parameters() if not name.startswith("encoder.")]
    encoder_params = [p for p in model.encoder.parameters() if p.requires_grad]
    groups = [{"params": head_params, "lr": lr}]
    if encoder_params:
        groups.append({"params": encoder_params, "lr": lr if encoder_lr is None else encoder_lr})
    optimizer = torch.optim.Adam(groups, weight_decay=1e-6)

    def evaluate(m: LSTMClassifier) -> dict[str, float]:
        return {"validation_accuracy": accuracy(m, validation)} if validation else {}

    return fit(model, lambda epoch: batches(train, batch_size, shuffle=True, generator=generator),
               classification_loss, optimizer, epochs=epochs, evaluate=evaluate if validation else None,
               device=device or default_device(), progress=progress, desc=desc)


@torch.no_grad()
def pooled_features(encoder: AWDLSTMEncoder, examples: Sequence[tuple[list[int], int]],
                    batch_size: int = 128) -> torch.Tensor:
    """Concat-pooled last-layer features of a frozen encoder, [len(examples), 3 * size], computed once."""
    encoder.eval()
    target = next(encoder.parameters()).device
    pooling = ConcatPooling()
    rows = []
    for batch in batches(examples, batch_size):
        mask = batch["attention_mask"].to(target)
        layer_outputs, _ = encoder(batch["input_ids"].to(target))
        rows.append(pooling(layer_outputs[-1], mask).cpu())
    return torch.cat(rows)


class LinearProbe(nn.Module):
    """A linear classifier on fixed features, standardised with the training set's mean and spread."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor, n_classes: int):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.linear = nn.Linear(mean.numel(), n_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear((features - self.mean) / self.std)


def train_probe(features: torch.Tensor, labels: torch.Tensor, *, n_classes: int = 2, epochs: int = 200,
                lr: float = 1e-2, weight_decay: float = 1e-3, seed: int = 0) -> LinearProbe:
    """Fit a :class:`LinearProbe` (full batch, Adam): the "features off-the-shelf" way to use an encoder."""
    if len(features) != len(labels) or len(features) < 2:
        raise ValueError(f"need one label per feature row and at least two rows, got {len(features)} and {len(labels)}")
    torch.manual_seed(seed)
    probe = LinearProbe(features.mean(0), features.std(0).clamp_min(1e-6), n_classes)
    optimizer = torch.optim.Adam(probe.linear.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        optimizer.zero_grad()
        F.cross_entropy(probe(features), labels).backward()
        optimizer.step()
    return probe.eval()


def probe_accuracy(encoder: AWDLSTMEncoder, train: Sequence[tuple[list[int], int]],
                   test: Sequence[tuple[list[int], int]], seed: int = 0) -> float:
    """Test accuracy of a linear probe trained on a frozen encoder's pooled features ("features off-the-shelf")."""
    probe = train_probe(pooled_features(encoder, train), torch.tensor([y for _, y in train]), seed=seed)
    with torch.no_grad():
        predictions = probe(pooled_features(encoder, test)).argmax(-1)
    return (predictions == torch.tensor([y for _, y in test])).float().mean().item()
