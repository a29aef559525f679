"""Headroom: does the micro-world leave a small model something that a bigger or pre-trained one learns?

A claim measured at 1.000, or between two models that tie, teaches nothing. This prints, for the full-mode corpus:

1. perplexity on the held-out documents of a bigram, a trigram (interpolated Kneser-Ney; add-k beside it), a small
   LSTM LM (the quick mode's widths, trained on the full corpus), the course's LSTM LM and the same LM trained for
   more epochs, all over the same vocabulary (rarer words as [UNK]);
2. each model's probes: agreement by the number of phrases between subject and verb, fact cloze in held-out
   and seen wordings by how often the fact was stated;
3. each task with few labels, from scratch against fine-tuning the course's pre-trained encoder (notebook 01's
   recipe), over seeds, beside the majority-class rate.

The LSTM LMs come from the ptlib cache when trained already (``--retrain`` trains them afresh).
Run: ``python benchmarks/headroom.py [--retrain]`` (about 20 minutes on 2 cores when training). Nothing else should
be running when the times matter.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from lm_claims import cloze_figures, probe_figures, transfer_methods  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402
from ptlib.data.batching import encode_task  # noqa: E402
from ptlib.experiments.language_modelling import ngram_perplexities  # noqa: E402
from ptlib.experiments.sweeps import learning_curve, summarise  # noqa: E402
from ptlib.models.ngram import NgramLM  # noqa: E402

SMALL_LM = {"embedding": 64, "hidden": 128}
LONGER_LM = {"epochs": 10}  # the course's LM, trained over three times as long
LABEL_COUNTS = (32, 1000)


def ngram_figures(order: int, vocab, corpus, prefix: str) -> dict:
    figures = {}
    # perplexity with Kneser-Ney smoothing, the standard for it; add-k (what the probes use) beside it
    for smoothing, name in (("kneser-ney", "validation_perplexity"), ("add-k", "add_k_validation_perplexity")):
        (perplexity,) = ngram_perplexities(vocab, corpus["train"]["text"], corpus["validation"]["text"], (order,),
                                           smoothing).values()
        figures[f"{prefix}{name}"] = round(perplexity, 2)
    raw = NgramLM(order).fit(corpus["train"]["text"])  # the probes ask about words, rare ones included
    pairs = data.load_probe("agreement", n_items=1000)
    correct = np.array([raw.prefers(p, g, b) for p, g, b in zip(pairs["prefix"], pairs["good"], pairs["bad"])])
    interveners = np.array(pairs["interveners"])
    for k in range(4):
        figures[f"{prefix}agreement_interveners{k}"] = round(float(correct[interveners == k].mean()), 3)
    figures.update(cloze_figures(lambda prompts, candidates: [raw.choose(p, c) for p, c in zip(prompts, candidates)],
                                 corpus, prefix))
    return figures


def task_figures(pre: pretrained.PretrainedLM, sizes: config.Sizes) -> dict:
    figures: dict = {}
    vocab = pre.vocab

    for task_name in data.GENERATED_TASKS:
        task = data.load_task(task_name, train_size=max(LABEL_COUNTS))
        train, test = encode_task(task["train"], vocab), encode_task(task["test"], vocab)
        figures[f"{task_name}_majority_rate"] = round(max(Counter(task["test"]["label"]).values()) / len(test), 3)
        started = time.perf_counter()
        rows = learning_curve(transfer_methods(pre, sizes, test, features=False), train, LABEL_COUNTS,
                              seeds=sizes.tasks.seeds, label=lambda e: e[1], progress=False)
        figures[f"{task_name}_seconds"] = round(time.perf_counter() - started, 1)
        for row in summarise(rows):
            figures[f"{task_name}_{row['n']}_{row['method']}"] = f"{row['mean']:.3f} ± {row['std']:.3f}"
        print(task_name, {k: v for k, v in figures.items() if k.startswith(task_name)}, flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="train the language models afresh")
    parser.add_argument("--skip-tasks", action="store_true", help="only the language models and their probes")
    args = parser.parse_args()
    sizes = config.FULL
    figures: dict = {"threads": torch.get_num_threads()}
    corpus = data.load_corpus(n_sentences=sizes.corpus.sentences)
    lms = {"small_lstm": sizes.override(lm=SMALL_LM), "lstm": sizes, "lstm_10_epochs": sizes.override(lm=LONGER_LM)}
    loaded = {}
    for name, lm_sizes in lms.items():
        pre = pretrained.load("lm:general", lm_sizes, refresh=args.retrain, progress=False)
        loaded[name] = pre
        figures[f"{name}_train_seconds"] = round(pre.history.seconds, 1)
        figures[f"{name}_validation_perplexity"] = round(pre.validation_perplexity, 2)
        figures.update(probe_figures(pre, corpus, f"{name}_"))
        print(name, figures[f"{name}_validation_perplexity"], flush=True)
    vocab = loaded["lstm"].vocab
    for order, name in ((2, "bigram"), (3, "trigram")):
        figures.update(ngram_figures(order, vocab, corpus, f"{name}_"))
        print(name, figures[f"{name}_validation_perplexity"], flush=True)
    if not args.skip_tasks:
        figures.update(task_figures(pretrained.load("lm:general+reviews", sizes, progress=False), sizes))
    write_results("headroom", figures)


if __name__ == "__main__":
    main()
