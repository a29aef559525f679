"""ELMo: a task-specific mixture of a frozen biLM's layers (Peters et al., 2018).

For word k with biLM layers h_k0 (the token representation), h_k1, h_k2, the paper's equation 1 is

    ELMo_k = gamma * sum_j s_j * h_kj,    s = softmax(w)

with w and gamma learned by the downstream task while the biLM stays frozen (:class:`ScalarMix`).

This module holds:
- :func:`pretrained_bilm`: the course's biLM, trained once on the general corpus and cached;
- feature extraction: :func:`text_layers`, :func:`dataset_layers`, :func:`layers_at`, and
  :func:`contextual_embedder` (one vector per token, for the global-vs-contextual comparisons);
- a layer probe (:func:`probe_items`, :func:`layer_probe`): what a linear classifier reads from each layer;
- a downstream model (:class:`TaskModel`, :func:`run_task`): plain word embeddings, ELMo, or both
  concatenated as in the paper, under a light BiLSTM encoder, for the baseline vs +ELMo table.

Every text is tokenised by ``text.split()``, and vector i belongs to token i. A text of several sentences is
read one sentence at a time (split after each ``.``), as the biLM was trained: no sentence sees the next.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from datasets import Dataset
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import cache, config, data
from .bilm import Batcher, BiLM, BiLMConfig, CharVocab, train_bilm
from .classifier import train_probe
from .microworld import lexicon
from .microworld.probes import agreement_pairs, held_out_senses
from .pretrained import shared_vocab
from .runtime import device, one_cpu_thread, seed_everything
from .training import History, fit
from .vocab import PAD_ID, SEP_ID, Vocab

CACHE_NAME = "pretrained-bilm"
# Bump to retrain every cached biLM after a change that the configuration does not capture.
RECIPE_VERSION = 1
WEIGHT_DECAY = 1e-6  # the paper's small L2 penalty on the biLM's weights
# The paper's biLM uses dropout; ours sees each sentence twice and under-fits, where dropout only slowed
# learning. In a paired full-mode run the forward LM chose the verb that agrees across 1 / 2 / 3 intervening
# phrases 74% / 70% / 55% of the time with dropout 0.1 and 96% / 86% / 72% without, at about the same
# perplexity (3.56 and 3.51) and in 7% less time. So the course's biLM trains without it.
DROPOUT = 0.0
N_LAYERS = 3  # the token representation and two LSTM layers


# --- the scalar mix -------------------------------------------------------------------------------


class ScalarMix(nn.Module):
    """gamma * sum_j softmax(w)_j * h_j over layers h [n_layers, ..., dim] -> [..., dim] (equation 1).

    ``layer_norm=True`` normalises each layer's vectors first (the paper does so for some tasks, when the
    layers' scales differ a lot). The weights start equal and gamma at 1: an untrained mix is the average.
    """

    def __init__(self, n_layers: int = N_LAYERS, layer_norm: bool = False) -> None:
        super().__init__()
        self.scalars = nn.Parameter(torch.zeros(n_layers))
        self.gamma = nn.Parameter(torch.ones(()))
        self.layer_norm = layer_norm

    def weights(self) -> torch.Tensor:
        """The normalised layer weights softmax(w) (a detached copy, for reading and plotting)."""
        return torch.softmax(self.scalars.detach(), 0).cpu()

    def forward(self, layers: torch.Tensor) -> torch.Tensor:
        if layers.size(0) != self.scalars.numel():
            raise ValueError(f"this mix has {self.scalars.numel()} layers, got a stack of {layers.size(0)}")
        if self.layer_norm:
            layers = F.layer_norm(layers, layers.shape[-1:])
        weights = torch.softmax(self.scalars, 0).view(-1, *[1] * (layers.dim() - 1))
        return self.gamma * (weights * layers).sum(0)


# --- the pre-trained biLM --------------------------------------------------------------------------


@dataclass
class PretrainedBiLM:
    """A trained biLM with what it needs to read text: its word and character vocabularies."""

    model: BiLM
    vocab: Vocab
    char_vocab: CharVocab
    history: History
    forward_perplexity: float
    backward_perplexity: float

    @property
    def batcher(self) -> Batcher:
        return Batcher(self.vocab, self.char_vocab, self.model.config.max_chars)

    @property
    def dim(self) -> int:
        """The width of every layer's vectors: 2 * the biLM's width (a forward and a backward half)."""
        return 2 * self.model.config.dim


def bilm_config(vocab_size: int, char_vocab_size: int, sizes: config.Sizes) -> BiLMConfig:
    return BiLMConfig(vocab_size=vocab_size, char_vocab_size=char_vocab_size, dim=sizes.bilm_dim, dropout=DROPOUT)


def recipe(sizes: config.Sizes, seed: int) -> dict:
    """Everything that determines the trained biLM: the cache key."""
    model = bilm_config(0, 0, sizes).to_dict()
    del model["vocab_size"], model["char_vocab_size"]  # these follow from the corpus, which the key holds
    return {"recipe": RECIPE_VERSION, "seed": seed, "corpus_sentences": sizes.corpus_sentences,
            "reviews_unlabelled": sizes.reviews_unlabelled, "model": model, "epochs": sizes.bilm_epochs,
            "batch_size": sizes.bilm_batch_size, "lr": sizes.bilm_lr, "weight_decay": WEIGHT_DECAY}


def pretrained_bilm(sizes: config.Sizes | None = None, seed: int = 0, progress: bool = True,
                    refresh: bool = False) -> PretrainedBiLM:
    """The course's biLM, trained on the general corpus: from the cache, or trained now (and cached).

    Its softmax speaks the course's word vocabulary (:func:`ptlib.pretrained.shared_vocab`); its input is
    characters, so review words it never read still get a vector.
    """
    sizes = sizes or config.sizes()

    def build() -> dict:
        vocab = shared_vocab(sizes, seed)
        corpus = data.load_corpus(n_sentences=sizes.corpus_sentences, seed=seed)
        train_texts = corpus["train"]["text"]
        char_vocab = CharVocab.build(train_texts)
        train = [text.split() for text in train_texts]
        validation = [text.split() for text in corpus["validation"]["text"]]
        seed_everything(seed)
        model = BiLM(bilm_config(len(vocab), len(char_vocab), sizes))
        history = train_bilm(model, Batcher(vocab, char_vocab, model.config.max_chars), train, validation,
                             epochs=sizes.bilm_epochs, batch_size=sizes.bilm_batch_size, lr=sizes.bilm_lr,
                             weight_decay=WEIGHT_DECAY, seed=seed, progress=progress)
        state = {key: value.cpu() for key, value in model.state_dict().items()}
        return {"state_dict": state, "vocab": vocab, "char_vocab": char_vocab, "history": history,
                "forward_perplexity": history.final("forward_perplexity"),
                "backward_perplexity": history.final("backward_perplexity")}

    stored = cache.cached(CACHE_NAME, recipe(sizes, seed), build, refresh=refresh)
    model = BiLM(bilm_config(len(stored["vocab"]), len(stored["char_vocab"]), sizes))
    model.load_state_dict(stored["state_dict"])
    model.to(device()).eval()
    return PretrainedBiLM(model, stored["vocab"], stored["char_vocab"], stored["history"],
                          stored["forward_perplexity"], stored["backward_perplexity"])


# --- feature extraction ------------------------------------------------------------------------------


def split_sentences(tokens: Sequence[str]) -> list[list[str]]:
    """Tokens -> sentences, each ending after a ``.`` (a last sentence without one is kept)."""
    sentences: list[list[str]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token == ".":
            sentences.append([])
    return [s for s in sentences if s]


@torch.no_grad()
def text_layers(bilm: PretrainedBiLM, texts: Sequence[str], batch_size: int = 256) -> list[torch.Tensor]:
    """Every biLM layer for every token: one CPU tensor [3, len(text.split()), 2 * dim] per text."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings (e.g. a list of sentences), not one string")
    pieces: list[tuple[int, list[str]]] = []  # (text index, one sentence of it)
    for i, text in enumerate(texts):
        tokens = text.split()
        if not tokens:
            raise ValueError(f"text {i} ({text!r}) has no tokens; every text needs at least one word")
        pieces += [(i, sentence) for sentence in split_sentences(tokens)]
    model, batcher = bilm.model, bilm.batcher
    was_training = model.training
    model.eval()
    target = next(model.parameters()).device
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))  # similar lengths: little padding
    outputs: list[torch.Tensor | None] = [None] * len(pieces)
    with one_cpu_thread():
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch = {key: value.to(target) for key, value in batcher([pieces[k][1] for k in chunk]).items()}
            stack, _ = model(batch)  # [3, batch, words, 2 * dim]
            stack = stack.cpu()
            for row, k in enumerate(chunk):
                outputs[k] = stack[:, row, : len(pieces[k][1])].clone()
    model.train(was_training)
    per_text: list[list[torch.Tensor]] = [[] for _ in texts]
    for (i, _), layers in zip(pieces, outputs):
        per_text[i].append(layers)
    return [torch.cat(parts, dim=1) for parts in per_text]


def dataset_layers(bilm: PretrainedBiLM, dataset: Dataset, text_column: str = "text",
                   batch_size: int = 256) -> list[torch.Tensor]:
    """:func:`text_layers` for a ``datasets.Dataset`` column: one [3, n_tokens, 2 * dim] tensor per row."""
    if text_column not in dataset.column_names:
        raise ValueError(f"the dataset has no column {text_column!r}; its columns are {dataset.column_names}")
    return text_layers(bilm, dataset[text_column], batch_size)


def layers_at(bilm: PretrainedBiLM, dataset: Dataset, position_column: str = "position",
              text_column: str = "text", batch_size: int = 256) -> torch.Tensor:
    """The layers at one token of each row, [rows, 3, 2 * dim]: e.g. the ambiguous word of a sense probe."""
    if position_column not in dataset.column_names:
        raise ValueError(f"the dataset has no column {position_column!r}; its columns are {dataset.column_names}")
    layers = dataset_layers(bilm, dataset, text_column, batch_size)
    rows = []
    for i, (stack, position) in enumerate(zip(layers, dataset[position_column])):
        if not 0 <= position < stack.size(1):
            raise ValueError(f"row {i}: position {position} is outside its {stack.size(1)} tokens")
        rows.append(stack[:, position])
    return torch.stack(rows)


def contextual_embedder(bilm: PretrainedBiLM, layer: int | Literal["mix"] = "mix", mix: ScalarMix | None = None,
                        batch_size: int = 256) -> Callable[[Sequence[str]], list[torch.Tensor]]:
    """A function ``texts -> [tensor [len(text.split()), 2 * dim] for each text]``: one vector per token.

    ``layer`` 0 is the context-free token representation (the same vector for a word wherever it occurs),
    1 and 2 the LSTM layers; ``"mix"`` applies ``mix`` (e.g. a trained :class:`TaskModel`'s), or without one
    the plain average of the three layers. Vectors are CPU tensors; the biLM stays frozen.
    """
    if layer != "mix" and (isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < N_LAYERS):
        raise ValueError(f"layer must be 0, 1, 2 or 'mix', got {layer!r}")
    if layer == "mix":
        mix = (mix or ScalarMix()).cpu()

    def embed(texts: Sequence[str]) -> list[torch.Tensor]:
        layers = text_layers(bilm, texts, batch_size)
        if layer != "mix":
            return [stack[layer] for stack in layers]
        with torch.no_grad():
            return [mix(stack) for stack in layers]

    return embed


# --- the layer probe -----------------------------------------------------------------------------------

PROBE_KINDS = ("sense", "number", "subject_number")
_PROBE_LABELS = {
    "sense": [f"{word}:{sense}" for word, senses in lexicon.SENSES.items() for sense in senses],
    "number": ["singular", "plural"],
    "subject_number": ["singular", "plural"],
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

    The probe (:func:`ptlib.classifier.train_probe`) is trained on ``train``'s vectors of one layer and
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


# --- a downstream task model -----------------------------------------------------------------------------

INPUTS = ("embedding", "elmo", "embedding+elmo")


def encode_task(bilm: PretrainedBiLM, dataset: Dataset) -> list[dict]:
    """Rows -> examples: word ids (the course vocabulary), biLM layers [3, tokens, 2 * dim], label.

    Pair tasks read ``text [SEP] text_pair``; the biLM reads each text on its own and the separator gets
    zero ELMo vectors (it is not a word).
    """
    pair = "text_pair" in dataset.column_names
    first = dataset_layers(bilm, dataset)
    second = dataset_layers(bilm, dataset, "text_pair") if pair else None
    examples = []
    for i, row in enumerate(dataset):
        ids, layers = bilm.vocab.encode(row["text"]), first[i]
        if pair:
            ids = ids + [SEP_ID] + bilm.vocab.encode(row["text_pair"])
            layers = torch.cat([layers, layers.new_zeros(N_LAYERS, 1, layers.size(-1)), second[i]], dim=1)
        examples.append({"input_ids": torch.tensor(ids), "layers": layers, "label": row["label"]})
    return examples


def task_batches(examples: Sequence[dict], batch_size: int, rng: random.Random | None = None) -> list[dict]:
    """Padded batches: ``input_ids`` and ``mask`` [batch, time], ``layers`` [3, batch, time, 2 * dim], ``labels``."""
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
    out = []
    for start in range(0, len(order), batch_size):
        chunk = [examples[i] for i in order[start : start + batch_size]]
        length = max(len(e["input_ids"]) for e in chunk)
        ids = torch.full((len(chunk), length), PAD_ID, dtype=torch.long)
        layers = torch.zeros(N_LAYERS, len(chunk), length, chunk[0]["layers"].size(-1))
        for row, example in enumerate(chunk):
            n = len(example["input_ids"])
            ids[row, :n] = example["input_ids"]
            layers[:, row, :n] = example["layers"]
        out.append({"input_ids": ids, "mask": ids != PAD_ID, "layers": layers,
                    "labels": torch.tensor([e["label"] for e in chunk])})
    return out


class TaskModel(nn.Module):
    """Per-token vectors -> dropout -> BiLSTM -> max and mean pooling over tokens -> linear classifier.

    ``inputs`` chooses the vectors: ``"embedding"`` (the baseline: word embeddings learned from the labels
    only, or frozen pre-trained ``word_vectors`` such as GloVe, as in the paper's baselines), ``"elmo"`` (the
    ELMo mix of the frozen biLM's layers), or ``"embedding+elmo"`` (both, concatenated, as the paper adds ELMo
    to a baseline's input). ``layers="top"`` gives ELMo only the top biLM layer (scaled by a learned gamma)
    instead of the mix of all three. ``hidden=0`` drops the BiLSTM: the classifier reads pooled input vectors.
    """

    def __init__(self, vocab_size: int, n_classes: int, *, inputs: str = "embedding+elmo", elmo_dim: int = 0,
                 layers: Literal["mix", "top"] = "mix", layer_norm: bool = False, embedding: int = 64,
                 word_vectors: torch.Tensor | None = None, hidden: int = 64, dropout: float = 0.1) -> None:
        super().__init__()
        if inputs not in INPUTS:
            raise ValueError(f"inputs must be one of {', '.join(INPUTS)}, got {inputs!r}")
        if layers not in ("mix", "top"):
            raise ValueError(f"layers must be 'mix' or 'top', got {layers!r}")
        self.use_embedding, self.use_elmo = "embedding" in inputs, "elmo" in inputs
        if self.use_elmo and elmo_dim <= 0:
            raise ValueError("ELMo inputs need elmo_dim, the width of the biLM's layers (PretrainedBiLM.dim)")
        self.top_only = layers == "top"
        width = 0
        if self.use_embedding:
            if word_vectors is None:
                self.embedding = nn.Embedding(vocab_size, embedding, padding_idx=PAD_ID)
            elif word_vectors.size(0) != vocab_size:
                raise ValueError(f"word_vectors has {word_vectors.size(0)} rows for a vocabulary of {vocab_size}")
            else:
                self.embedding = nn.Embedding.from_pretrained(word_vectors.float(), freeze=True, padding_idx=PAD_ID)
            width += self.embedding.embedding_dim
        if self.use_elmo:
            self.mix = ScalarMix(1 if self.top_only else N_LAYERS, layer_norm)
            width += elmo_dim
        self.dropout = nn.Dropout(dropout)
        self.encoder = nn.LSTM(width, hidden, batch_first=True, bidirectional=True) if hidden else None
        self.classifier = nn.Linear(2 * (2 * hidden if hidden else width), n_classes)  # [max; mean]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # input_ids, mask [batch, time]; layers [3, batch, time, elmo_dim] -> logits [batch, n_classes]
        parts = []
        if self.use_embedding:
            parts.append(self.embedding(batch["input_ids"]))
        if self.use_elmo:
            layers = batch["layers"]
            parts.append(self.mix(layers[-1:] if self.top_only else layers))
        x = self.dropout(torch.cat(parts, -1))
        lengths = batch["mask"].sum(1)
        states = x
        if self.encoder is not None:
            # Packing keeps the backward direction from reading the padding before the real tokens.
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            states, _ = pad_packed_sequence(self.encoder(packed)[0], batch_first=True, total_length=x.size(1))
        mask = batch["mask"].unsqueeze(-1)
        maximum = states.masked_fill(~mask, float("-inf")).max(1).values
        mean = (states * mask).sum(1) / lengths.unsqueeze(-1)
        return self.classifier(self.dropout(torch.cat([maximum, mean], -1)))


def train_task_model(model: TaskModel, train: Sequence[dict], *, steps: int, batch_size: int = 16,
                     lr: float = 3e-3, mix_l2: float = 0.0, seed: int = 0, progress: bool = False) -> History:
    """Adam for about ``steps`` steps (whole epochs). ``mix_l2`` adds the paper's lambda * ||w||^2 on the mix
    scalars, which pulls the layer weights towards an equal average (the paper's lambda = 1 vs 0.001)."""
    if not train:
        raise ValueError("no training examples")
    epochs = math.ceil(steps / math.ceil(len(train) / batch_size))
    rng = random.Random(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def loss_fn(m: TaskModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        loss = F.cross_entropy(m(batch), batch["labels"])
        if m.use_elmo and mix_l2:
            loss = loss + mix_l2 * (m.mix.scalars**2).sum()
        return loss

    with one_cpu_thread():  # small steps: see ptlib.runtime.one_cpu_thread
        return fit(model, lambda epoch: task_batches(train, batch_size, rng), loss_fn, optimizer, epochs=epochs,
                   device=device(), progress=progress, desc="task model")


@torch.no_grad()
def task_accuracy(model: TaskModel, examples: Sequence[dict], batch_size: int = 128) -> float:
    model.eval()
    target = next(model.parameters()).device
    correct = 0
    for batch in task_batches(examples, batch_size):
        batch = {key: value.to(target) for key, value in batch.items()}
        correct += (model(batch).argmax(-1) == batch["labels"]).sum().item()
    return correct / len(examples)


def run_task(bilm: PretrainedBiLM, train: Sequence[dict], test: Sequence[dict], n_classes: int = 2, *,
             inputs: str = "embedding+elmo", layers: Literal["mix", "top"] = "mix", mix_l2: float = 0.0,
             steps: int | None = None, batch_size: int | None = None, seed: int = 0, **model_options) -> dict:
    """Train one :class:`TaskModel` on ``train`` (from :func:`encode_task`) and score it on ``test``.

    Returns ``accuracy``, ``seconds`` (training), and for ELMo inputs the learned ``weights`` (one per layer
    used) and ``gamma``. Steps and batch size default to the run mode's classifier budget; other keyword
    arguments go to :class:`TaskModel` (``word_vectors``, ``hidden``, ``layer_norm`` ...).
    """
    sizes = config.sizes()
    torch.manual_seed(seed)
    model = TaskModel(len(bilm.vocab), n_classes, inputs=inputs, elmo_dim=bilm.dim, layers=layers, **model_options)
    started = time.perf_counter()
    train_task_model(model, train, steps=steps or sizes.classifier_steps,
                     batch_size=batch_size or sizes.classifier_batch_size, mix_l2=mix_l2, seed=seed)
    result = {"accuracy": task_accuracy(model, test), "seconds": time.perf_counter() - started}
    if model.use_elmo:
        result["weights"] = model.mix.weights().tolist()
        result["gamma"] = model.mix.gamma.item()
    return result
