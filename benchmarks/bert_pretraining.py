"""How fast and how well the registry's small BERT pre-trains on the micro-world (MLM + NSP), on a laptop CPU.

Trains ``pretrained.load("bert")`` in full mode afresh and reports its size, training time, tokens per second,
and held-out MLM and NSP accuracy (the NSP negatives are random sentences of other documents, as in BERT), beside
the rates of the trivial answers: the most frequent WordPiece token for MLM, one class for NSP. Nothing else
should be running.

Run: ``python benchmarks/bert_pretraining.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, pretrained  # noqa: E402
from ptlib.data import load_corpus  # noqa: E402
from ptlib.models import count_parameters  # noqa: E402


def main() -> None:
    torch.set_num_threads(2)
    sizes = config.FULL
    bert = pretrained.load("bert", sizes, refresh=True, progress=False)
    corpus = load_corpus(n_sentences=sizes.corpus.sentences)
    tokens = [token for text in corpus["validation"]["text"][:2000] for token in bert.tokenizer.encode(text).ids[1:-1]]
    counts = torch.bincount(torch.tensor(tokens))
    # each pair is [CLS] a [SEP] b [SEP]; about max_length tokens at most, fewer for short sentences
    pair_tokens = sizes.bert.pairs * sizes.bert.epochs * (2 * len(tokens) / 2000 + 3)
    figures = {
        "parameters": count_parameters(bert.model),
        "wordpiece_vocab": bert.tokenizer.get_vocab_size(),
        "pairs": sizes.bert.pairs, "epochs": sizes.bert.epochs, "steps": len(bert.history.losses),
        "train_seconds": round(bert.history.seconds, 1),
        "tokens_per_second": round(pair_tokens / bert.history.seconds),
        "mlm_accuracy": round(bert.mlm_accuracy, 3),
        "mlm_most_frequent_token_rate": round(float(counts.max() / counts.sum()), 3),
        "nsp_accuracy": round(bert.nsp_accuracy, 3),
        "nsp_one_class_rate": 0.5,
    }
    write_results("bert_pretraining", figures)


if __name__ == "__main__":
    main()
