"""What a masked LM knows without fine-tuning: a sentence's pseudo-log-likelihood, agreement judged with it, and a
cloze answered by filling masks.

A masked LM gives no probability to a whole sentence, but it can score each token with the others visible: mask
one token at a time and add up the log-probabilities of the right tokens (the pseudo-log-likelihood, Salazar et al.,
2020). Of two sentences that differ only in a verb's number, the grammatical one should score higher.

A cloze ("X was born in ___ .") is filled as in LAMA (Petroni et al., 2019), with one twist for names that
WordPiece splits: for a candidate of k pieces, k [MASK]s stand in the gap, and the candidate's score is the mean
log-probability of its pieces there (the mean, not the sum, so that a name of one piece is not preferred for its
shortness).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import torch
from tokenizers import Tokenizer

from ..data.vocab import CLS_ID, MASK_ID, PAD_ID, SEP_ID
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
    ``interveners`` and ``verb_pieces``, the word pieces of the longer of the two verb forms (a verb split into
    pieces is judged from pieces that each say less about its number)."""
    rows = list(items)
    good = [row["text"] for row in rows]
    bad = [f"{row['prefix']} {row['bad']}{row['text'][len(row['prefix']) + 1 + len(row['good']):]}" for row in rows]
    scores = pseudo_log_likelihoods(model, tokenizer, good + bad)
    pieces = [max(len(tokenizer.encode(row[form], add_special_tokens=False).ids) for form in ("good", "bad"))
              for row in rows]
    return pd.DataFrame({"interveners": [row["interveners"] for row in rows], "bad": bad, "verb_pieces": pieces,
                         "correct": [g > b for g, b in zip(scores[:len(rows)], scores[len(rows):])]})


@torch.no_grad()
def cloze_scores(model: BertForPreTraining, tokenizer: Tokenizer, prompts: Sequence[str], continuations: Sequence[str],
                 candidates: Sequence[Sequence[str]], batch_size: int = 256) -> list[dict[str, float]]:
    """For each cloze item (``prompt`` ___ ``continuation``), every candidate's mean log-probability per word piece
    when its pieces fill the gap as [MASK]s: ``[CLS] prompt [MASK] x k continuation [SEP]``."""
    model.eval()
    device = next(model.parameters()).device
    pieces = {word: tokenizer.encode(word, add_special_tokens=False).ids for options in candidates for word in options}
    # one query per (item, number of pieces): its ids, where the gap starts, and the candidates of that length
    queries = []
    for index, (prompt, continuation, options) in enumerate(zip(prompts, continuations, candidates)):
        before = tokenizer.encode(prompt, add_special_tokens=False).ids
        after = tokenizer.encode(continuation, add_special_tokens=False).ids if continuation.strip() else []
        for k in sorted({len(pieces[word]) for word in options}):
            ids = [CLS_ID, *before, *[MASK_ID] * k, *after, SEP_ID]
            queries.append((index, ids, 1 + len(before), [word for word in options if len(pieces[word]) == k]))
    scores: list[dict[str, float]] = [{} for _ in prompts]
    for start in range(0, len(queries), batch_size):
        chunk = queries[start:start + batch_size]
        ids = torch.full((len(chunk), max(len(q[1]) for q in chunk)), PAD_ID, dtype=torch.long)
        for row, (_, query_ids, _, _) in enumerate(chunk):
            ids[row, :len(query_ids)] = torch.tensor(query_ids)
        ids = ids.to(device)
        hidden, _ = model.bert(ids, ids != PAD_ID, torch.zeros_like(ids))
        for row, (index, _, gap, words) in enumerate(chunk):
            k = len(pieces[words[0]])
            log_probs = model.mlm(hidden[-1][row, gap:gap + k]).log_softmax(-1).cpu()  # [k, vocab]
            targets = torch.tensor([pieces[word] for word in words])  # [words, k]
            means = log_probs[torch.arange(k), targets].mean(-1)  # [words]
            scores[index].update(zip(words, means.tolist()))
    return scores


def cloze_choices(model: BertForPreTraining, tokenizer: Tokenizer, prompts: Sequence[str],
                  continuations: Sequence[str], candidates: Sequence[Sequence[str]]) -> list[str]:
    """For each cloze item, the candidate of the highest :func:`cloze_scores`."""
    scores = cloze_scores(model, tokenizer, prompts, continuations, candidates)
    return [max(row, key=row.get) for row in scores]
