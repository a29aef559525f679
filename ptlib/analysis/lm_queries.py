"""Asking a left-to-right language model which word comes next: the probes of notebook 02.

- :func:`next_word_logprobs`: log P(next word | prefix) for each prefix;
- :func:`prefers`: minimal pairs, such as the verb form that agrees with its subject;
- :func:`choose`: cloze items, such as a fact's value among candidates;
- :func:`sentence_logprobs`: how likely the model finds each whole sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ..data.batching import pad_batch
from ..data.vocab import Vocab
from ..models.awd_lstm import AWDLSTMLanguageModel
from ..train.loop import evaluate_batches


def _padded_batches(vocab: Vocab, texts: Sequence[str], batch_size: int) -> list[dict[str, torch.Tensor]]:
    """The texts encoded and right-padded, ``batch_size`` at a time: ``input_ids`` and ``attention_mask``."""
    batches = []
    for start in range(0, len(texts), batch_size):
        ids, mask = pad_batch([vocab.encode(text) for text in texts[start : start + batch_size]])
        batches.append({"input_ids": ids, "attention_mask": mask})
    return batches


def next_word_logprobs(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str],
                       batch_size: int = 256) -> torch.Tensor:
    """log P(next word | prefix) for each prefix: [len(prefixes), vocab]."""
    batches = _padded_batches(vocab, prefixes, batch_size)

    def last_word(m: AWDLSTMLanguageModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        logits, _ = m(batch["input_ids"])
        last = batch["attention_mask"].sum(1) - 1  # right padding never influences earlier positions of a causal LM
        return F.log_softmax(logits[torch.arange(len(last)), last], -1).cpu()

    return torch.cat(evaluate_batches(model, batches, last_word))


def prefers(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str], good: Sequence[str],
            bad: Sequence[str]) -> torch.Tensor:
    """For minimal pairs: True where the model gives the good word a higher probability than the bad one."""
    scores = next_word_logprobs(model, vocab, prefixes)
    good_ids = torch.tensor([vocab.token_to_id(w) for w in good])
    bad_ids = torch.tensor([vocab.token_to_id(w) for w in bad])
    rows = torch.arange(len(prefixes))
    return scores[rows, good_ids] > scores[rows, bad_ids]


def choose(model: AWDLSTMLanguageModel, vocab: Vocab, prefixes: Sequence[str],
           candidates: Sequence[Sequence[str]]) -> list[str]:
    """For cloze items: the candidate the model rates most likely after each prefix."""
    scores = next_word_logprobs(model, vocab, prefixes)
    picks = []
    for row, options in zip(scores, candidates):
        ids = torch.tensor([vocab.token_to_id(w) for w in options])
        picks.append(options[int(row[ids].argmax())])
    return picks


def sentence_logprobs(model: AWDLSTMLanguageModel, vocab: Vocab, texts: Sequence[str],
                      batch_size: int = 256) -> torch.Tensor:
    """log P(w_2 ... w_n | w_1) of each text, summed over its words after the first (a stream of text has no start
    mark, so the first word is given): [len(texts)]."""
    batches = _padded_batches(vocab, texts, batch_size)

    def summed(m: AWDLSTMLanguageModel, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        logits, _ = m(batch["input_ids"])
        ids, mask = batch["input_ids"], batch["attention_mask"]
        picked = F.log_softmax(logits[:, :-1], -1).gather(2, ids[:, 1:, None]).squeeze(2)  # [batch, time - 1]
        return (picked * mask[:, 1:]).sum(1).cpu()

    return torch.cat(evaluate_batches(model, batches, summed))
