"""Do the lecture's claims about a pre-trained LSTM language model show on the micro-world, on a laptop CPU?

Measures the recipe the notebooks use (``ptlib.pretrained`` in full mode):

1. agreement: the LM prefers the verb that agrees with a distant subject (minimal pairs by number of
   intervening phrases), where a bigram model sits at chance (see benchmarks/microworld.py);
2. facts: the LM completes a fact in a wording the corpus never used for that fact (held-out cloze), and in one
   it did use (seen), better the more often the fact was stated (the bands of ``ptlib.analysis.facts``);
3. transfer: a sentiment classifier on the pre-trained encoder (frozen features, or fine-tuned) beats the
   same network trained from scratch when labels are few (mean and spread over seeds).

The pre-trained models come from the ptlib cache when a notebook already trained them (their recorded
training time is reported either way); ``--retrain`` trains them afresh. Nothing else should be running.

Run: ``python benchmarks/lm_claims.py [--retrain]`` (about four minutes on 2 cores when training).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402
from ptlib.analysis.facts import facts_by_mentions  # noqa: E402
from ptlib.analysis.lm_queries import choose, prefers  # noqa: E402
from ptlib.analysis.probes import probe_accuracy  # noqa: E402
from ptlib.data.batching import encode_task  # noqa: E402
from ptlib.experiments.sweeps import learning_curve, summarise  # noqa: E402
from ptlib.models.awd_lstm import AWDLSTMEncoder  # noqa: E402
from ptlib.models.classifier import LSTMClassifier  # noqa: E402
from ptlib.train.classifier import accuracy, train_classifier  # noqa: E402

LABEL_COUNTS = (16, 32, 128, 1000)


def cloze_figures(choose_values: Callable[[list, list], list], corpus, prefix: str) -> dict:
    """Fact-cloze accuracy overall (held-out wording) and by mention band, in held-out and seen wordings.
    ``choose_values(prompts, candidates)`` gives a model's pick for each prompt."""
    figures: dict = {}
    facts = data.load_probe("facts", corpus["train"]).to_pandas()
    seen = data.load_probe("facts", corpus["train"], wording="seen").to_pandas()
    for wording, items in (("held-out", facts), ("seen", seen)):  # one row per fact, in the same order
        facts[wording] = np.array(choose_values(list(items["prompt"]), list(items["candidates"]))) == items["answer"]
    figures[f"{prefix}cloze_accuracy"] = round(float(facts["held-out"].mean()), 3)
    figures[f"{prefix}cloze_chance"] = round(float(np.mean([1 / len(c) for c in facts["candidates"]])), 3)
    for band, row in facts_by_mentions(facts, ["held-out", "seen"]).iterrows():
        figures[f"{prefix}cloze_mentions_{band}"] = (f"held-out {row['held-out']:.3f}, seen {row['seen']:.3f} "
                                                     f"({row['facts']:.0f} facts)")
    return figures


def probe_figures(pre: pretrained.PretrainedLM, corpus, prefix: str) -> dict:
    figures: dict = {}
    pairs = data.load_probe("agreement", n_items=1000)
    correct = prefers(pre.model, pre.vocab, pairs["prefix"], pairs["good"], pairs["bad"]).numpy()
    interveners = np.array(pairs["interveners"])
    for k in range(4):
        figures[f"{prefix}agreement_interveners{k}"] = round(float(correct[interveners == k].mean()), 3)
    figures[f"{prefix}agreement_distance>=8"] = round(float(correct[np.array(pairs["distance"]) >= 8].mean()), 3)
    figures.update(cloze_figures(lambda prompts, candidates: choose(pre.model, pre.vocab, prompts, candidates),
                                 corpus, prefix))
    return figures


def transfer_methods(pre: pretrained.PretrainedLM, sizes: config.Sizes, test: list,
                     features: bool = True) -> dict[str, Callable[[list, int], float]]:
    """Notebook 01's methods as ``learning_curve`` takes them: an LSTM classifier from scratch, a linear probe on
    the frozen pre-trained encoder (``features``), and the encoder fine-tuned; each scored on ``test``."""
    def fresh(seed: int) -> LSTMClassifier:
        torch.manual_seed(seed)
        return LSTMClassifier(AWDLSTMEncoder(pretrained.lm_architecture(pre.vocab, sizes.lm)), 2)

    def scratch(examples: list, seed: int) -> float:
        model = fresh(seed)
        train_classifier(model, examples, steps=sizes.tasks.classifier_steps, seed=seed)
        return accuracy(model, test)

    def fine_tuned(examples: list, seed: int) -> float:
        model = fresh(seed)
        model.encoder.load_state_dict(pre.model.encoder.state_dict())
        train_classifier(model, examples, steps=sizes.tasks.classifier_steps, seed=seed, encoder_lr=5e-4)
        return accuracy(model, test)

    def frozen(examples: list, seed: int) -> float:
        return probe_accuracy(pre.model.encoder, examples, test, seed)

    return {"scratch": scratch, **({"features": frozen} if features else {}), "fine-tuned": fine_tuned}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train the language models afresh")
    args = parser.parse_args()
    torch.set_num_threads(2)
    sizes = config.FULL
    figures: dict = {}
    corpus = data.load_corpus(n_sentences=sizes.corpus.sentences)
    for text in ("general", "general+reviews"):
        pre = pretrained.load(f"lm:{text}", sizes, refresh=args.retrain, progress=False)
        figures[f"{text}_lm_train_seconds"] = round(pre.history.seconds, 1)
        figures[f"{text}_lm_steps"] = len(pre.history.losses)
        figures[f"{text}_lm_validation_perplexity"] = round(pre.validation_perplexity, 2)
        figures.update(probe_figures(pre, corpus, f"{text}_"))

    vocab = pre.vocab  # the general+reviews model: notebook 01's shared encoder
    task = data.load_task("sentiment", train_size=sizes.tasks.train)
    train, test = encode_task(task["train"], vocab), encode_task(task["test"], vocab)

    started = time.perf_counter()
    rows = learning_curve(transfer_methods(pre, sizes, test), train,
                          LABEL_COUNTS, seeds=sizes.tasks.seeds, label=lambda e: e[1], progress=False)
    figures["learning_curve_seconds"] = round(time.perf_counter() - started, 1)
    for row in summarise(rows):
        figures[f"sentiment_{row['n']}_{row['method']}"] = f"{row['mean']:.3f} ± {row['std']:.3f}"
    write_results("lm_claims", figures)


if __name__ == "__main__":
    main()
