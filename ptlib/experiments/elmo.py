"""What notebook 04 (ELMo) calls, and its experiment: a task model with and without ELMo, trained on a few labels of
each task, on examples that carry the frozen biLM's layers for every token."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Literal

import torch
from datasets import Dataset

from ..analysis.features import dataset_layers, text_layers
from ..analysis.metrics import GLUE_METRIC, majority_rate, task_scores
from ..analysis.probes import PROBE_KINDS, layer_probe, probe_items
from ..config import sizes
from ..data import load_task
from ..data.vocab import SEP_ID
from ..models import count_parameters
from ..models.scalar_mix import N_LAYERS
from ..models.task_model import TaskModel
from ..pretrained import PretrainedBiLM
from ..pretrained import load as load_pretrained
from ..train.task_model import task_predictions, train_task_model
from .sweeps import subsample

__all__ = ["GLUE_METRIC", "PROBE_KINDS", "count_parameters", "elmo_examples", "layer_probe", "load_pretrained",
           "load_task", "majority_rate", "probe_items", "run_task", "sizes", "subsample", "task_scores", "text_layers"]


def elmo_examples(bilm: PretrainedBiLM, dataset: Dataset) -> list[dict]:
    """Rows -> examples for the task model: word ids (the course vocabulary), biLM layers [3, tokens, 2 * dim], label.

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


def run_task(bilm: PretrainedBiLM, train: Sequence[dict], test: Sequence[dict], n_classes: int = 2, *,
             inputs: str = "embedding+elmo", layers: Literal["mix", "top"] = "mix", mix_l2: float = 0.0,
             steps: int | None = None, batch_size: int | None = None, seed: int = 0, task: str = "",
             **model_options) -> dict:
    """Train one :class:`TaskModel` on ``train`` (from :func:`elmo_examples`) and score it on ``test``.

    Returns ``accuracy`` (and the GLUE metric of ``task`` where it has one, see :func:`task_scores`),
    ``seconds`` (training), and for ELMo inputs the learned ``weights`` (one per layer used) and ``gamma``.
    Steps and batch size default to the run mode's classifier budget; other keyword arguments go to
    :class:`TaskModel` (``word_vectors``, ``hidden``, ``layer_norm`` ...).
    """
    budget = sizes().tasks
    torch.manual_seed(seed)
    model = TaskModel(len(bilm.vocab), n_classes, inputs=inputs, elmo_dim=bilm.dim, layers=layers, **model_options)
    started = time.perf_counter()
    train_task_model(model, train, steps=steps or budget.classifier_steps,
                     batch_size=batch_size or budget.classifier_batch_size, mix_l2=mix_l2, seed=seed)
    seconds = time.perf_counter() - started
    result = {**task_scores(task, task_predictions(model, test), [example["label"] for example in test]),
              "seconds": seconds}
    if model.use_elmo:
        result["weights"] = model.mix.weights().tolist()
        result["gamma"] = model.mix.gamma.item()
    return result
