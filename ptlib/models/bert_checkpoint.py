"""Hugging Face BERT checkpoints in and out of :mod:`ptlib.models.bert`: weights only, no architecture here.

A checkpoint folder holds ``config.json`` and the weights as ``model.safetensors`` or ``pytorch_model.bin``, as
``transformers`` writes them for ``BertModel``, ``BertForMaskedLM`` and ``BertForPreTraining``. Our encoder's
parameter names are the release's own, so the map is a prefix (``bert.``) plus the heads, listed in
:data:`HEAD_NAMES`. Loading checks every tensor: a missing, unexpected or wrongly shaped one is an error
that names it. Nothing here reaches the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from .bert import BertConfig, BertForPreTraining, BertModel, init_weights

# ours -> Hugging Face's, for the pre-training heads (the encoder's names are the same apart from "bert.")
HEAD_NAMES = {
    "mlm.dense.weight": "cls.predictions.transform.dense.weight",
    "mlm.dense.bias": "cls.predictions.transform.dense.bias",
    "mlm.LayerNorm.weight": "cls.predictions.transform.LayerNorm.weight",
    "mlm.LayerNorm.bias": "cls.predictions.transform.LayerNorm.bias",
    "mlm.bias": "cls.predictions.bias",
    "nsp.weight": "cls.seq_relationship.weight",
    "nsp.bias": "cls.seq_relationship.bias",
}
# Tensors a checkpoint may hold that carry nothing of their own: a buffer of 0..max_positions - 1, and copies
# of tied weights (the MLM decoder is the word embedding matrix, its bias is cls.predictions.bias).
REDUNDANT = ("embeddings.position_ids", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias")
ARCHITECTURES = ("BertModel", "BertForMaskedLM", "BertForPreTraining")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")  # as transformers writes them, the preferred first


class CheckpointError(ValueError):
    """A checkpoint folder this BERT cannot load (missing file, other architecture, missing or extra tensor)."""


def config_from_hf(hf: dict) -> BertConfig:
    """Our configuration from a Hugging Face ``config.json``; anything BERT-like but different is refused."""
    if hf.get("model_type", "bert") != "bert":
        raise CheckpointError(f"config.json describes a {hf.get('model_type')!r} model, not BERT")
    if hf.get("hidden_act", "gelu") != "gelu" or hf.get("position_embedding_type", "absolute") != "absolute":
        raise CheckpointError("only BERT with GELU activations and absolute (learned) positions is supported, got "
                              f"{hf.get('hidden_act')!r} and {hf.get('position_embedding_type')!r}")
    try:
        return BertConfig(vocab_size=hf["vocab_size"], hidden=hf["hidden_size"], layers=hf["num_hidden_layers"],
                          heads=hf["num_attention_heads"], intermediate=hf["intermediate_size"],
                          max_positions=hf["max_position_embeddings"], segments=hf.get("type_vocab_size", 2),
                          dropout=hf.get("hidden_dropout_prob", 0.1),
                          attention_dropout=hf.get("attention_probs_dropout_prob", 0.1),
                          layer_norm_eps=hf.get("layer_norm_eps", 1e-12), pad_id=hf.get("pad_token_id", 0) or 0)
    except KeyError as missing:
        raise CheckpointError(f"config.json lacks {missing}, which every BERT configuration has") from None


def config_to_hf(config: BertConfig, architecture: str) -> dict:
    return {"architectures": [architecture], "model_type": "bert", "vocab_size": config.vocab_size,
            "hidden_size": config.hidden, "num_hidden_layers": config.layers,
            "num_attention_heads": config.heads, "intermediate_size": config.intermediate,
            "max_position_embeddings": config.max_positions, "type_vocab_size": config.segments,
            "hidden_dropout_prob": config.dropout, "attention_probs_dropout_prob": config.attention_dropout,
            "layer_norm_eps": config.layer_norm_eps, "pad_token_id": config.pad_id, "hidden_act": "gelu",
            "initializer_range": 0.02, "position_embedding_type": "absolute", "tie_word_embeddings": True}


def _read_weights(folder: Path) -> dict[str, torch.Tensor]:
    safetensors_file, bin_file = (folder / name for name in WEIGHT_FILES)
    if safetensors_file.exists():
        from safetensors.torch import load_file

        return load_file(str(safetensors_file))
    if bin_file.exists():
        return torch.load(bin_file, map_location="cpu", weights_only=True)
    raise CheckpointError(f"{folder} has no model.safetensors or pytorch_model.bin")


def _expected(model: nn.Module, prefix: str, with_pooler: bool) -> dict[str, str]:
    """Hugging Face name -> our name, for every tensor the checkpoint must hold (the NSP head only with the pooler,
    which ``BertForMaskedLM`` lacks)."""
    names = {}
    for ours in model.state_dict():
        if ours.startswith("mlm.decoder.") or (not with_pooler and ours.startswith(("bert.pooler.", "nsp."))):
            continue  # tied to the word embeddings, or not in this checkpoint
        names[HEAD_NAMES.get(ours) or prefix + ours.removeprefix("bert.")] = ours
    return names


def load_hf_bert(folder: str | Path) -> BertModel | BertForPreTraining:
    """A ``transformers`` BERT checkpoint folder as our model: :class:`BertModel` for a ``BertModel`` checkpoint,
    :class:`BertForPreTraining` for ``BertForMaskedLM`` (whose pooler and NSP head stay freshly initialised: that
    checkpoint has none) and ``BertForPreTraining``. In eval mode."""
    folder = Path(folder)
    config_file = folder / "config.json"
    if not config_file.exists():
        raise CheckpointError(f"{folder} has no config.json: is it a Hugging Face checkpoint folder?")
    hf = json.loads(config_file.read_text())
    config = config_from_hf(hf)
    weights = {k: v for k, v in _read_weights(folder).items() if k not in REDUNDANT}
    architecture = (hf.get("architectures") or [""])[0]
    if architecture not in ARCHITECTURES:  # a headless checkpoint saved without the field: tell by its tensors
        architecture = "BertForPreTraining" if "cls.seq_relationship.weight" in weights else (
            "BertForMaskedLM" if "cls.predictions.bias" in weights else "BertModel")
    if architecture == "BertModel":
        model: BertModel | BertForPreTraining = BertModel(config)
        expected = _expected(model, "", with_pooler=True)
    else:
        model = BertForPreTraining(config)
        expected = _expected(model, "bert.", with_pooler=architecture == "BertForPreTraining")
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{folder} does not match a {architecture} of its config.json: "
                              + "; ".join(part for part in (f"missing {', '.join(missing)}" if missing else "",
                                                            f"unexpected {', '.join(unexpected)}" if unexpected else "")
                                          if part))
    state = model.state_dict()
    for hf_name, ours in expected.items():
        if weights[hf_name].shape != state[ours].shape:
            raise CheckpointError(f"{hf_name} has shape {tuple(weights[hf_name].shape)}; config.json implies "
                                  f"{tuple(state[ours].shape)}")
        state[ours] = weights[hf_name].float()
    model.load_state_dict(state)
    if architecture == "BertForMaskedLM":
        init_weights(model.bert.pooler)
        init_weights(model.nsp)
    return model.eval()


def save_hf_bert(model: BertModel | BertForPreTraining, folder: str | Path) -> Path:
    """Write ``config.json`` and ``model.safetensors`` that ``transformers`` loads as the same architecture."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(model, BertForPreTraining):
        architecture, names = "BertForPreTraining", _expected(model, "bert.", with_pooler=True)
    elif isinstance(model, BertModel):
        architecture, names = "BertModel", _expected(model, "", with_pooler=True)
    else:
        raise TypeError(f"save a BertModel or BertForPreTraining, got {type(model).__name__}")
    state = model.state_dict()
    save_file({hf_name: state[ours].detach().cpu().contiguous().clone() for hf_name, ours in names.items()},
              str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(config_to_hf(model.config, architecture), indent=2) + "\n")
    return folder
