"""Training and using a classifier: the labelled stage of every transfer recipe in notebooks 01 and 03.

Examples are ``(token ids, label)`` pairs (:func:`ptlib.data.batching.encode_task`); batches follow the course's
convention (``input_ids``, ``attention_mask``, ``labels``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .. import arguments
from ..data.batching import Example, labelled_batches
from ..data.vocab import UNK_ID, Vocab, normalise_sentence
from ..models.classifier import LinearProbe, LSTMClassifier
from ..runtime import device as default_device
from .loop import History, evaluate_batches, fit
from .objectives import classification_loss


def _logits(model: LSTMClassifier, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    return model(batch["input_ids"], batch["attention_mask"]).cpu()


def predict(model: LSTMClassifier, examples: Sequence[Example], batch_size: int = 128) -> torch.Tensor:
    """The predicted class of each example."""
    logits = evaluate_batches(model, labelled_batches(examples, batch_size), _logits)
    return torch.cat(logits).argmax(-1)


def accuracy(model: LSTMClassifier, examples: Sequence[Example]) -> float:
    """The share of ``examples`` whose label the model predicts."""
    labels = torch.tensor([y for _, y in examples])
    return (predict(model, examples) == labels).float().mean().item()


def predict_texts(model: LSTMClassifier, vocab: Vocab, texts: Sequence[str]) -> list[dict[str, float | int]]:
    """Class probabilities for raw texts: one dict per text (``label``, ``probability``, ``known``).

    A text is normalised as the corpus is written first (lowercase, punctuation split off, as the explorer does),
    so "The plot was AWFUL!" reads as "the plot was awful !". One string is a list of one text. ``known`` is the
    fraction of the text's words in the vocabulary; a text with none gets its prediction (the model sees only
    [UNK]s) and a warning that says so. An empty text cannot be classified.
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = arguments.texts(texts)
    if not texts:
        raise ValueError("no texts to classify: pass a list with at least one text")
    if not isinstance(model, torch.nn.Module) or not isinstance(vocab, Vocab):
        raise TypeError(f"pass a classifier and its Vocab, got {type(model).__name__} and {type(vocab).__name__}")
    examples = []
    for index, text in enumerate(texts):
        if not text.split():
            raise ValueError(f"text {index} is empty ({text!r}): a classifier needs at least one word")
        examples.append((vocab.encode(normalise_sentence(text)), -1))
    probabilities = torch.cat(evaluate_batches(model, labelled_batches(examples, 128), _logits)).softmax(-1)
    rows: list[dict[str, float | int]] = []
    for index, (p, (ids, _)) in enumerate(zip(probabilities, examples)):
        rows.append({"label": int(p.argmax()), "probability": float(p.max()),
                     "known": sum(i != UNK_ID for i in ids) / len(ids)})
        if rows[-1]["known"] == 0:
            warnings.warn(f"text {index} ({texts[index][:40]!r}) has no word the model knows: its prediction "
                          "is a guess from [UNK] tokens alone", stacklevel=2)
    return rows


def train_classifier(
    model: LSTMClassifier,
    train: Sequence[Example],
    *,
    epochs: int | None = None,
    steps: int | None = None,
    lr: float = 1e-3,
    encoder_lr: float | None = None,
    batch_size: int = 16,
    validation: Sequence[Example] | None = None,
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
        return {"validation_accuracy": accuracy(m, validation)}

    return fit(model, lambda epoch: labelled_batches(train, batch_size, shuffle=True, generator=generator),
               classification_loss, optimizer, epochs=epochs, evaluate=evaluate if validation else None,
               device=device or default_device(), progress=progress, desc=desc)


def train_probe(features: torch.Tensor, labels: torch.Tensor, *, n_classes: int = 2, epochs: int = 200,
                lr: float = 1e-2, weight_decay: float = 1e-3, seed: int = 0) -> LinearProbe:
    """Fit a :class:`LinearProbe` (full batch, Adam): the "features off-the-shelf" way to use an encoder."""
    if len(features) != len(labels) or len(features) < 2:
        raise ValueError(f"need one label per feature row and at least two rows, got {len(features)} and {len(labels)}")
    torch.manual_seed(seed)
    probe = LinearProbe(features.mean(0), features.std(0).clamp_min(1e-6), n_classes)
    optimizer = torch.optim.Adam(probe.linear.parameters(), lr=lr, weight_decay=weight_decay)
    fit(probe, [{"features": features, "labels": labels}],  # one full batch per epoch
        lambda m, batch: F.cross_entropy(m(batch["features"]), batch["labels"]), optimizer, epochs=epochs,
        clip_grad=None, device=features.device, progress=False, desc="linear probe")
    return probe
