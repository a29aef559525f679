"""ULMFiT on the micro-world: what each stage and technique buys, with more seeds than notebook 03 can afford.

Measures, in full mode (``ptlib.experiments.ablations``, the code notebook 03 runs):

1. stage 2: perplexity of the general LM on held-out reviews before and after fine-tuning on reviews;
2. the ablation table: test error of every variant with 32 labelled reviews, mean ± std over 5 seeds,
   and the relative error reduction of ULMFiT against training from scratch;
3. sample efficiency (the paper's figure 3): error against the number of labels for from scratch,
   ULMFiT without stage 2, and ULMFiT;
4. a second task: acceptability (agreement judgements) with 256 labels: from scratch, the general LM
   fine-tuned (stages 1 + 3: the task's domain is general text), and the review-tuned LM.

The LMs come from the ptlib cache when a notebook already trained them. Nothing else should be running.

Run: ``python benchmarks/ulmfit.py`` (about eight minutes on 2 cores with the LMs cached).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402
from ptlib.data.batching import encode_task  # noqa: E402
from ptlib.experiments import ablations  # noqa: E402
from ptlib.experiments.sweeps import learning_curve, summarise  # noqa: E402

LABELS = 32
ABLATION_SEEDS = 5
LABEL_COUNTS = (16, 32, 64, 128, 256, 1000)
CURVE_SEEDS = 3


def error_rows(task_name: str, variants: list[ablations.Variant], counts: tuple[int, ...], seeds: int,
               lms: dict, sizes: config.Sizes) -> list[dict]:
    vocab = data.course_vocab(sizes.corpus)
    task = data.load_task(task_name, train_size=sizes.tasks.train)
    train, test = encode_task(task["train"], vocab), encode_task(task["test"], vocab)

    def method(choice: ablations.Variant):
        return lambda examples, seed: 1 - ablations.run_variant(choice, lms, examples, test, sizes=sizes,
                                                                seed=seed)[0]

    return learning_curve({v.name: method(v) for v in variants}, train, counts, seeds=seeds,
                          label=lambda e: e[1], progress=False)


def main() -> None:
    torch.set_num_threads(2)
    sizes = config.FULL
    figures: dict = {}
    tuned = pretrained.load("lm:fine-tuned", sizes, progress=False)
    figures["stage2_seconds"] = round(tuned.history.seconds, 1)
    figures["stage2_perplexity_before"] = round(tuned.perplexity_before, 1)
    figures["stage2_perplexity_after"] = round(tuned.validation_perplexity, 2)
    lms = ablations.language_models(sizes, progress=False)

    started = time.perf_counter()
    rows = error_rows("sentiment", list(ablations.VARIANTS), (LABELS,), ABLATION_SEEDS, lms, sizes)
    figures["ablation_seconds_per_run"] = round((time.perf_counter() - started) / len(rows), 1)
    summary = {row["method"]: row for row in summarise(rows)}
    for name, row in summary.items():
        figures[f"sentiment_{LABELS}_error: {name}"] = f"{row['mean']:.3f} ± {row['std']:.3f}"
    scratch, ulmfit = summary[ablations.FROM_SCRATCH.name]["mean"], summary[ablations.ULMFIT.name]["mean"]
    figures["relative_error_reduction"] = round(1 - ulmfit / scratch, 3)

    curve = [ablations.FROM_SCRATCH, ablations.variant("no target-domain LM fine-tuning"), ablations.ULMFIT]
    for row in summarise(error_rows("sentiment", curve, LABEL_COUNTS, CURVE_SEEDS, lms, sizes)):
        figures[f"curve_error_{row['n']}: {row['method']}"] = f"{row['mean']:.3f} ± {row['std']:.3f}"

    second = [ablations.FROM_SCRATCH, ablations.variant("no target-domain LM fine-tuning"), ablations.ULMFIT]
    for row in summarise(error_rows("acceptability", second, (256,), ABLATION_SEEDS, lms, sizes)):
        figures[f"acceptability_256_error: {row['method']}"] = f"{row['mean']:.3f} ± {row['std']:.3f}"
    write_results("ulmfit", figures)


if __name__ == "__main__":
    main()
