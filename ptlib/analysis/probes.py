"""Probes: what a linear classifier can read from a frozen model's vectors.

- :func:`probe_accuracy`: a linear probe on an LSTM encoder's pooled features ("features off-the-shelf", nb 01);
- :func:`probe_items` and :func:`layer_probe`: a linear probe on each biLM layer at one token (nb 04).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from datasets import Dataset

from ..data.batching import Example, labelled_batches
from ..data.microworld import lexicon
from ..data.microworld.probes import agreement_pairs, held_out_senses, review_polarity
from ..models.awd_lstm import AWDLSTMEncoder
from ..models.pooling import ConcatPooling
from ..pretrained import PretrainedBiLM
from ..train.classifier import train_probe
from ..train.loop import evaluate_batches
from .features import layers_at


def pooled_features(encoder: AWDLSTMEncoder, examples: Sequence[Example], batch_size: int = 128) -> torch.Tensor:
    """Concat-pooled last-layer features of a frozen encoder, [len(examples), 3 * size], computed once."""
    pooling = ConcatPooling()

    def pool(m: AWDLSTMEncoder, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        layer_outputs, _ = m(batch["input_ids"])
        return pooling(layer_outputs[-1], batch["attention_mask"]).cpu()

    return torch.cat(evaluate_batches(encoder, labelled_batches(examples, batch_size), pool))


def probe_predictions(encoder: AWDLSTMEncoder, train: Sequence[Example], test: Sequence[Example],
                      seed: int = 0) -> torch.Tensor:
    """The test classes a linear probe predicts, trained on a frozen encoder's pooled features of ``train``."""
    probe = train_probe(pooled_features(encoder, train), torch.tensor([y for _, y in train]), seed=seed)
    with torch.no_grad():
        return probe(pooled_features(encoder, test)).argmax(-1)


def probe_accuracy(encoder: AWDLSTMEncoder, train: Sequence[Example], test: Sequence[Example], seed: int = 0) -> float:
    """Test accuracy of a linear probe trained on a frozen encoder's pooled features ("features off-the-shelf")."""
    predictions = probe_predictions(encoder, train, test, seed)
    return (predictions == torch.tensor([y for _, y in test])).float().mean().item()


PROBE_KINDS = ("sense", "number", "subject_number", "polarity")
_PROBE_LABELS = {
    "sense": [f"{word}:{sense}" for word, senses in lexicon.SENSES.items() for sense in senses],
    "number": ["singular", "plural"],
    "subject_number": ["singular", "plural"],
    "polarity": ["negative", "positive"],
}


def probe_items(kind: str, n_items: int, seed: int = 0) -> Dataset:
    """Sentences with one labelled token each: columns ``text``, ``position``, ``label`` (int), ``label_name``.

    - ``sense``: an ambiguous word and its sense (label ``word:sense``), balanced over senses;
      a context-free vector can at best pick each word's most common sense.
    - ``number``: the subject noun of an agreement sentence and its number (``the keys ...``): morphology,
      visible in the word itself.
    - ``subject_number``: the subject's number, read at the last word before the verb of a sentence cut there,
      with 1-3 phrases between subject and verb (``the key near the doors ...``): that word is often a noun of
      the other number, so only a vector that carries the subject along can tell.
    - ``polarity``: the first evaluative word of a film review (the sentiment task's text) and its polarity as a
      word, positive or negative.
    """
    if kind not in PROBE_KINDS:
        raise ValueError(f"unknown probe {kind!r}; choose one of {', '.join(PROBE_KINDS)}")
    if kind == "sense":
        items = held_out_senses(n_items, seed=seed)
        names = [f"{w}:{s}" for w, s in zip(items["word"], items["sense"])]
        texts, positions = items["text"], items["position"]
    elif kind == "number":
        items = agreement_pairs(n_items, seed=seed)
        names, texts, positions = items["number"], items["text"], [1] * len(items)  # "the N ..."
    elif kind == "polarity":
        items = review_polarity(n_items, seed=seed)
        names, texts, positions = items["polarity"], items["text"], items["position"]
    else:
        # agreement_pairs cycles through 0-3 interveners: ask for a third more and drop the items with none.
        items = agreement_pairs(math.ceil(n_items * 4 / 3), seed=seed)
        items = items.filter(lambda k: k > 0, input_columns="interveners").select(range(n_items))
        names, texts = items["number"], items["prefix"]
        positions = [len(prefix.split()) - 1 for prefix in texts]
    labels = [_PROBE_LABELS[kind].index(name) for name in names]
    return Dataset.from_dict({"text": texts, "position": positions, "label": labels, "label_name": names})


def layer_probe(bilm: PretrainedBiLM, train: Dataset, test: Dataset, seed: int = 0) -> list[float]:
    """Test accuracy of a linear probe on each layer (0, 1, 2) for the labelled token of each row.

    The probe (:func:`ptlib.train.classifier.train_probe`) is trained on ``train``'s vectors of one layer and
    scored on ``test``'s; both come from :func:`probe_items` (or any rows with text, position and label).
    """
    train_layers, test_layers = layers_at(bilm, train), layers_at(bilm, test)
    train_labels, test_labels = torch.tensor(train["label"]), torch.tensor(test["label"])
    n_classes = int(max(train_labels.max(), test_labels.max())) + 1
    accuracies = []
    for j in range(train_layers.size(1)):
        probe = train_probe(train_layers[:, j], train_labels, n_classes=n_classes, seed=seed)
        with torch.no_grad():
            predictions = probe(test_layers[:, j]).argmax(-1)
        accuracies.append((predictions == test_labels).float().mean().item())
    return accuracies
