"""Does the small BERT's pre-training help when labels are few? Sentiment with 32, 100 and 300 labels.

Notebook 07 compares fine-tuning the registry's BERT with the same architecture from scratch on 1,000 labels per
task. This script asks the question the lecture asks of every pre-trained model, with fewer labels: the same recipe
(``config.BertFineTuning``: its steps, batch and rate, so a smaller set is seen for more epochs), the same test set,
several seeds, fine-tuned against from scratch, beside the majority-class rate. Sentiment only: on the other tasks
neither method leaves chance with 1,000 labels (notebook 07).

The BERT comes from the ptlib cache when notebook 07 trained it already (``--retrain`` trains it afresh; its
training time is reported either way). Run: ``python benchmarks/bert_few_labels.py [--retrain]`` (about five
minutes of fine-tuning on 2 cores, plus about eight of pre-training when the BERT is not cached).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, pretrained  # noqa: E402
from ptlib.experiments.bert_transfer import transfer_results  # noqa: E402

LABEL_COUNTS = (32, 100, 300)
TASK = "sentiment"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain", action="store_true", help="pre-train the BERT afresh")
    args = parser.parse_args()
    torch.set_num_threads(2)
    sizes = config.FULL
    bert = pretrained.load("bert", sizes, refresh=args.retrain, progress=False)
    figures: dict = {"threads": torch.get_num_threads(), "pretrain_seconds": round(bert.history.seconds, 1),
                     "fine_tuning_steps": sizes.bert_finetune.steps, "seeds": sizes.tasks.seeds}
    for n_labels in LABEL_COUNTS:
        runs = transfer_results(bert.model, bert.tokenizer, [TASK], n_labels, sizes.tasks.seeds, sizes.bert_finetune,
                                progress=False)
        figures[f"{TASK}_majority_rate"] = round(float(runs["majority"].iloc[0]), 3)
        for method, group in runs.groupby("method"):
            accuracy = group["accuracy"]
            key = f"{TASK}_{n_labels}_{method.replace(', ', '_').replace(' ', '_')}"
            figures[key] = f"{accuracy.mean():.3f} ± {accuracy.std():.3f}"
            figures[f"{key}_train_accuracy"] = round(float(group["train accuracy"].mean()), 3)
        print(n_labels, {k: v for k, v in figures.items() if k.startswith(f"{TASK}_{n_labels}_")}, flush=True)
    write_results("bert_few_labels", figures)


if __name__ == "__main__":
    main()
