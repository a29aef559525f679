"""Do the lecture's claims about ELMo show on the micro-world, on a laptop CPU?

Measures the recipe notebook 04 uses (``ptlib.experiments.elmo`` in full mode):

1. the biLM: training time, forward and backward perplexity on held-out sentences, and whether its forward LM
   picks the verb that agrees with a distant subject (as benchmarks/lm_claims.py asks of the AWD-LSTM);
2. what each layer holds: linear-probe accuracy of layer 0 (token), 1 and 2 (LSTMs) for word sense,
   the subject noun's own number, and the subject's number read at the last word before the verb;
3. the paper's table: a task model on frozen GloVe vectors (the paper's baselines use GloVe) and the same
   plus ELMo (all layers mixed, or the top layer only), with the task's labels and with 200 of them; and a
   baseline with word embeddings learned from the labels instead. Mean and spread over seeds, and the learned
   mix weights.

The biLM comes from the ptlib cache when a notebook already trained it (its recorded training time is
reported either way); ``--retrain`` trains it afresh. Nothing else should be running.

Run: ``python benchmarks/bilm.py [--retrain]`` (about seven minutes on 2 cores, 90 s more when training).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402
from ptlib.analysis.probes import PROBE_KINDS, layer_probe, probe_items  # noqa: E402
from ptlib.experiments.elmo import elmo_examples, run_task  # noqa: E402
from ptlib.models.bilm import BiLM  # noqa: E402
from ptlib.train.loop import evaluate_batches  # noqa: E402

TASKS = ("sentiment", "acceptability", "paraphrase", "entailment")
FEW_LABELS = 200
# name -> (inputs, ELMo layers, frozen GloVe vectors as the word embeddings?)
MODELS = {"glove": ("embedding", "mix", True), "glove+elmo": ("embedding+elmo", "mix", True),
          "glove+elmo_top": ("embedding+elmo", "top", True), "learned": ("embedding", "mix", False)}
FEW_LABEL_MODELS = ("glove", "glove+elmo")


def agreement_by_interveners(bilm: pretrained.PretrainedBiLM, n_items: int) -> list[float]:
    """How often the forward LM gives the agreeing verb a higher probability than the other form."""
    pairs = data.load_probe("agreement", n_items=n_items)

    def next_word(model: BiLM, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        _, (_, forward_top), _ = model.states(batch)
        last = batch["attention_mask"].sum(1) - 2  # n words: after <S>, the last one sits at position n
        return model.softmax.log_prob(forward_top[torch.arange(len(last), device=last.device), last]).cpu()

    # all the prefixes in one batch, read in eval mode without gradients on the biLM's device
    (logp,) = evaluate_batches(bilm.model, [bilm.batcher([p.split() for p in pairs["prefix"]])], next_word)
    rows = torch.arange(len(logp))
    good = torch.tensor([bilm.vocab.token_to_id(w) for w in pairs["good"]])
    bad = torch.tensor([bilm.vocab.token_to_id(w) for w in pairs["bad"]])
    correct = (logp[rows, good] > logp[rows, bad]).numpy()
    interveners = np.array(pairs["interveners"])
    return [round(float(correct[interveners == k].mean()), 3) for k in range(4)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train the biLM afresh")
    args = parser.parse_args()
    torch.set_num_threads(2)  # ptlib trains the biLM and the task models on one (ptlib.runtime.one_cpu_thread)
    sizes = config.FULL
    figures: dict = {}
    bilm = pretrained.load("bilm", sizes, refresh=args.retrain, progress=False)
    figures["bilm_train_seconds"] = round(bilm.history.seconds, 1)
    figures["bilm_steps"] = len(bilm.history.losses)
    figures["bilm_forward_perplexity"] = round(bilm.forward_perplexity, 2)
    figures["bilm_backward_perplexity"] = round(bilm.backward_perplexity, 2)
    for k, accuracy in enumerate(agreement_by_interveners(bilm, sizes.tasks.probe_items)):
        figures[f"forward_lm_agreement_interveners{k}"] = accuracy

    for kind in PROBE_KINDS:
        train = probe_items(kind, sizes.tasks.probe_items, seed=1)
        test = probe_items(kind, sizes.tasks.probe_items, seed=2)
        for layer, accuracy in enumerate(layer_probe(bilm, train, test)):
            figures[f"probe_{kind}_layer{layer}"] = round(accuracy, 3)

    vectors = pretrained.load("glove", sizes, progress=False)
    if vectors.vocab != bilm.vocab:
        raise RuntimeError("GloVe and the biLM should share the course vocabulary")
    started = time.perf_counter()
    runs = 0
    for task in TASKS:
        for n_labels, names in ((sizes.tasks.train, tuple(MODELS)), (FEW_LABELS, FEW_LABEL_MODELS)):
            splits = data.load_task(task, train_size=n_labels)
            n_classes = splits["train"].features["label"].num_classes
            train, test = elmo_examples(bilm, splits["train"]), elmo_examples(bilm, splits["test"])
            means = {}
            for name in names:
                inputs, layers, use_glove = MODELS[name]
                results = [run_task(bilm, train, test, n_classes, inputs=inputs, layers=layers, seed=seed,
                                    steps=sizes.tasks.classifier_steps, batch_size=sizes.tasks.classifier_batch_size,
                                    word_vectors=vectors.vectors if use_glove else None)
                           for seed in range(sizes.tasks.seeds)]
                runs += len(results)
                accuracies = [result["accuracy"] for result in results]
                means[name] = np.mean(accuracies)
                figures[f"{task}_{n_labels}_{name}"] = f"{means[name]:.3f} ± {np.std(accuracies):.3f}"
                if name == "glove+elmo":
                    weights = np.mean([result["weights"] for result in results], axis=0)
                    figures[f"{task}_{n_labels}_mix_weights"] = " / ".join(f"{w:.2f}" for w in weights)
            figures[f"{task}_{n_labels}_elmo_gain"] = round(float(means["glove+elmo"] - means["glove"]), 3)
    figures["task_seconds_per_run"] = round((time.perf_counter() - started) / runs, 1)
    write_results("bilm", figures)


if __name__ == "__main__":
    main()
