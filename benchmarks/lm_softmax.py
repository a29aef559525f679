"""What the adaptive softmax saves and costs for the course's LSTM language model.

Trains the full-mode general-text LM twice from the same seed, with the paper's tied softmax over every word
(``softmax_cutoffs=()``) and with the tied adaptive softmax of ``config.LMRecipe`` (Grave et al., 2017), and
reports for each: training time, time per step, validation perplexity, agreement at each distance and the
held-out fact cloze (the probes of benchmarks/lm_claims.py). Both are trained afresh, so nothing else
should be running.

Run: ``python benchmarks/lm_softmax.py`` (about eight minutes on 2 cores).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from lm_claims import probe_figures  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402


def main() -> None:
    torch.set_num_threads(2)
    adaptive = config.FULL
    full_softmax = dataclasses.replace(adaptive, lm=dataclasses.replace(adaptive.lm, softmax_cutoffs=()))
    corpus = data.load_corpus(n_sentences=adaptive.corpus.sentences)
    figures: dict = {"adaptive_cutoffs": str(adaptive.lm.softmax_cutoffs)}
    for name, sizes in (("full_softmax", full_softmax), ("adaptive", adaptive)):
        pre = pretrained.load("lm:general", sizes, refresh=True, progress=False)
        steps = len(pre.history.losses)
        figures[f"{name}_vocab"] = len(pre.vocab)
        figures[f"{name}_train_seconds"] = round(pre.history.seconds, 1)
        figures[f"{name}_ms_per_step"] = round(1000 * pre.history.seconds / steps, 1)
        figures[f"{name}_validation_perplexity"] = round(pre.validation_perplexity, 2)
        figures.update(probe_figures(pre, corpus, f"{name}_"))
    figures["speed_up"] = round(figures["full_softmax_train_seconds"] / figures["adaptive_train_seconds"], 2)
    write_results("lm_softmax", figures)


if __name__ == "__main__":
    main()
