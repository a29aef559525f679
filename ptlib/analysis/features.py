"""Reading a frozen biLM: every layer's vector for every token of a text (ELMo's features).

Every text is tokenised by ``text.split()``, and vector i belongs to token i. A text of several sentences is read
one sentence at a time (split after each ``.``), as the biLM was trained: no sentence sees the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import torch
from datasets import Dataset

from ..models.scalar_mix import N_LAYERS, ScalarMix
from ..pretrained import PretrainedBiLM
from ..runtime import one_cpu_thread
from ..train.loop import evaluate_batches


def split_sentences(tokens: Sequence[str]) -> list[list[str]]:
    """Tokens -> sentences, each ending after a ``.`` (a last sentence without one is kept)."""
    sentences: list[list[str]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token == ".":
            sentences.append([])
    return [s for s in sentences if s]


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
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))  # similar lengths: little padding
    chunks = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    batches = (bilm.batcher([pieces[k][1] for k in chunk]) for chunk in chunks)
    with one_cpu_thread():
        stacks = evaluate_batches(bilm.model, batches, lambda m, batch: m(batch)[0].cpu())  # [3, batch, words, dim]
    outputs: list[torch.Tensor | None] = [None] * len(pieces)
    for chunk, stack in zip(chunks, stacks):
        for row, k in enumerate(chunk):
            outputs[k] = stack[:, row, : len(pieces[k][1])].clone()
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
