"""What a masked LM knows without fine-tuning: a sentence's pseudo-log-likelihood, and agreement judged with it.

A masked LM gives no probability to a whole sentence, but it can score each token with the others visible: mask
one token at a time and add up the log-probabilities of the right tokens (the pseudo-log-likelihood, Salazar et al.,
2020). Of two sentences that differ only in a verb's number, the grammatical one should score higher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import torch
from tokenizers import Tokenizer

from ..data.vocab import MASK_ID, PAD_ID
from ..models.bert import BertForPreTraining


@torch.no_grad()
def pseudo_log_likelihoods(model: BertForPreTraining, tokenizer: Tokenizer, texts: Sequence[str],
                           batch_size: int = 256) -> list[float]:
    """The pseudo-log-likelihood of each text as ``[CLS] text [SEP]``: for every word piece, the log-probability
    the MLM head gives it when it alone is replaced by [MASK]."""
    model.eval()
    device = next(model.parameters()).device
    encodings = [tokenizer.encode(text).ids for text in texts]
    # one masked copy per (text, word position); special tokens at both ends are never scored
    copies = [(index, position) for index, ids in enumerate(encodings) for position in range(1, len(ids) - 1)]
    totals = [0.0] * len(texts)
    for start in range(0, len(copies), batch_size):
        chunk = copies[start:start + batch_size]
        length = max(len(encodings[index]) for index, _ in chunk)
        ids = torch.full((len(chunk), length), PAD_ID, dtype=torch.long)
        for row, (index, _) in enumerate(chunk):
            ids[row, :len(encodings[index])] = torch.tensor(encodings[index])
        rows, positions = torch.arange(len(chunk)), torch.tensor([position for _, position in chunk])
        targets = ids[rows, positions].clone()
        ids[rows, positions] = MASK_ID
        ids, mask = ids.to(device), (ids != PAD_ID).to(device)
        hidden, _ = model.bert(ids, mask, torch.zeros_like(ids))
        logits = model.mlm(hidden[-1][rows.to(device), positions.to(device)])  # [chunk, vocab]
        scores = logits.log_softmax(-1).gather(1, targets.to(device)[:, None])[:, 0].cpu()
        for (index, _), score in zip(chunk, scores.tolist()):
            totals[index] += score
    return totals


def agreement_accuracy(model: BertForPreTraining, tokenizer: Tokenizer, items: Iterable[dict]) -> pd.DataFrame:
    """For each agreement item (``text`` with the right verb form ``good``, the wrong one ``bad`` right after its
    ``prefix``): whether the grammatical sentence has the higher pseudo-log-likelihood, with the item's
    ``interveners``."""
    rows = list(items)
    good = [row["text"] for row in rows]
    bad = [f"{row['prefix']} {row['bad']}{row['text'][len(row['prefix']) + 1 + len(row['good']):]}" for row in rows]
    scores = pseudo_log_likelihoods(model, tokenizer, good + bad)
    return pd.DataFrame({"interveners": [row["interveners"] for row in rows], "bad": bad,
                         "correct": [g > b for g, b in zip(scores[:len(rows)], scores[len(rows):])]})
