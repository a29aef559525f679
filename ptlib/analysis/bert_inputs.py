"""Looking at BERT's input: the three embedding rows that are summed, and where a BERT's parameters are."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
import torch
from matplotlib.figure import Figure

from ..data.bert_inputs import BertInput
from ..models.bert import BertConfig, BertModel, parameter_breakdown

PARTS = ("token", "segment", "position", "sum", "after LayerNorm")


def input_table(encoded: BertInput) -> pd.DataFrame:
    """One column per token: the token, its id, its segment and its position."""
    return pd.DataFrame({"token": encoded.tokens, "id": encoded.input_ids, "segment": encoded.token_type_ids,
                         "position": encoded.position_ids}).T


@torch.no_grad()
def embedding_parts(model: BertModel, encoded: BertInput) -> dict[str, torch.Tensor]:
    """Each part of the input representation of ``encoded``, [time, hidden] each: the token, segment and position
    embeddings, their sum, and the sum after LayerNorm (what the first layer reads, dropout aside)."""
    embeddings = model.embeddings
    device = embeddings.word_embeddings.weight.device

    def ids(values: list[int]) -> torch.Tensor:
        return torch.tensor(values, device=device)

    parts = {"token": embeddings.word_embeddings(ids(encoded.input_ids)),
             "segment": embeddings.token_type_embeddings(ids(encoded.token_type_ids)),
             "position": embeddings.position_embeddings(ids(encoded.position_ids))}
    parts["sum"] = parts["token"] + parts["segment"] + parts["position"]
    parts["after LayerNorm"] = embeddings.LayerNorm(parts["sum"])
    return {name: part.cpu() for name, part in parts.items()}


def plot_embedding_parts(parts: Mapping[str, torch.Tensor], tokens: list[str], dims: int = 12) -> Figure:
    """Heat maps of the first ``dims`` dimensions of each part, one row per token: the three parts and their sum on
    one colour scale, the normalised sum (about unit variance per token) on its own."""
    summed = [name for name in PARTS[:4] if name in parts]
    limit = max(float(parts[name][:, :dims].abs().max()) for name in summed)
    shown = summed + (["after LayerNorm"] if "after LayerNorm" in parts else [])
    figure, axes = plt.subplots(1, len(shown), figsize=(2.3 * len(shown) + 1.5, 0.28 * len(tokens) + 1.4),
                                sharey=True)
    for ax, name in zip(axes, shown):
        own = name == "after LayerNorm"
        scale = float(parts[name][:, :dims].abs().max()) if own else limit
        image = ax.imshow(parts[name][:, :dims].numpy(), cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto")
        ax.set_title("LayerNorm(sum)" if own else name, fontsize=10)
        ax.set_xlabel(f"dimension (first {dims})")
        if own or name == summed[-1]:
            figure.colorbar(image, ax=ax, shrink=0.8)
    for sign, ax in zip(("+", "+", "=", "→"), axes[:-1]):
        ax.annotate(sign, xy=(1.06, 0.5), xycoords="axes fraction", fontsize=14, ha="center", va="center")
    axes[0].set_yticks(range(len(tokens)), tokens)
    return figure


def parameter_table(configs: Mapping[str, BertConfig], published: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Parameters by part for each configuration (rows: parts, then the total; columns: the configurations), with
    the published total in millions where given."""
    table = pd.DataFrame({name: parameter_breakdown(config) for name, config in configs.items()})
    table.loc["total"] = table.sum()
    if published:
        table.loc["published total"] = [published.get(name, float("nan")) * 1e6 for name in table.columns]
    return table
