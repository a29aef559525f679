"""Pre-training a BERT with its two objectives, masked LM and next-sentence prediction, through the shared loop.

The data are sentence pairs (``ptlib.data.microworld.nsp``) encoded with WordPiece (``ptlib.data.wordpiece``):
``input_ids``, ``token_type_ids``, ``attention_mask`` and the NSP ``label``. Each batch is masked as it is drawn
(:mod:`ptlib.data.masking`): anew every epoch (dynamic, as RoBERTa does) or the same every epoch (static, as the
original BERT's data files fix them). The MLM head runs only at the chosen positions: predicting 15% of the tokens
costs 15% of the softmax.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
import torch.nn.functional as F

from ..data.batching import collate
from ..data.masking import (
    BERT_MASKING,
    IGNORE,
    MASKED,
    OUTCOMES,
    RANDOM,
    UNCHANGED,
    MaskingRule,
    mask_tokens,
    masking_generator,
)
from ..models.bert import BertClassifier, BertConfig, BertForPreTraining
from ..runtime import device as default_device
from .loop import History, evaluate_batches, fit
from .schedules import warmup_then_linear_decay

Batch = dict[str, Any]


def masked_batches(pairs: Sequence[dict], batch_size: int, vocab_size: int, *, rule: MaskingRule = BERT_MASKING,
                   dynamic: bool = True, shuffle: bool = True, seed: int = 0) -> Callable[[int], Iterator[Batch]]:
    """``epoch -> batches`` of encoded pairs, each masked by ``rule``: ``input_ids`` (corrupted), ``mlm_labels``
    (the original token where chosen, ``IGNORE`` elsewhere), ``attention_mask``, ``token_type_ids``, ``labels``
    (is_next = 0, not_next = 1), ``mlm_outcome`` (what became of each token). Every example's masks depend only
    on (seed, example, epoch if dynamic)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")

    def batches(epoch: int) -> Iterator[Batch]:
        order = list(range(len(pairs)))
        if shuffle:
            random.Random(f"{seed}-{epoch}").shuffle(order)
        for start in range(0, len(order), batch_size):
            rows = [order[i] for i in range(start, min(start + batch_size, len(order)))]
            batch = collate([pairs[i] for i in rows])
            masked = [mask_tokens(batch["input_ids"][j:j + 1], batch["attention_mask"][j:j + 1], vocab_size, rule,
                                  masking_generator(seed, example, epoch, dynamic)) for j, example in enumerate(rows)]
            batch["input_ids"] = torch.cat([m.input_ids for m in masked])
            batch["mlm_labels"] = torch.cat([m.labels for m in masked])
            batch["mlm_outcome"] = torch.cat([m.outcome for m in masked])
            yield batch

    return batches


def pretraining_outputs(model: BertForPreTraining, batch: Batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """MLM logits at the chosen positions [chosen, vocab], their targets [chosen], NSP logits [batch, 2]."""
    hidden_states, pooled = model.bert(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
    chosen = batch["mlm_labels"] != IGNORE
    return model.mlm(hidden_states[-1][chosen]), batch["mlm_labels"][chosen], model.nsp(pooled)


def pretraining_loss(model: BertForPreTraining, batch: Batch, nsp: bool = True) -> torch.Tensor:
    """The MLM cross-entropy over the chosen positions, plus the NSP cross-entropy unless ``nsp`` is off."""
    mlm_logits, targets, nsp_logits = pretraining_outputs(model, batch)
    loss = F.cross_entropy(mlm_logits, targets)
    return loss + F.cross_entropy(nsp_logits, batch["labels"]) if nsp else loss


def pretraining_accuracy(model: BertForPreTraining, batches: Iterator[Batch]) -> dict[str, float]:
    """MLM accuracy (over the chosen positions) and NSP accuracy (over the pairs)."""
    def counts(m: BertForPreTraining, batch: Batch) -> tuple[int, int, int, int]:
        mlm_logits, targets, nsp_logits = pretraining_outputs(m, batch)
        return ((mlm_logits.argmax(-1) == targets).sum().item(), len(targets),
                (nsp_logits.argmax(-1) == batch["labels"]).sum().item(), len(batch["labels"]))

    totals = [sum(column) for column in zip(*evaluate_batches(model, batches, counts))]
    return {"mlm_accuracy": totals[0] / max(totals[1], 1), "nsp_accuracy": totals[2] / max(totals[3], 1)}


def accuracy_by_outcome(model: BertForPreTraining, pairs: Sequence[dict], rule: MaskingRule = BERT_MASKING,
                        seed: int = 0) -> dict[str, float]:
    """MLM accuracy at the chosen positions, by what the model read there: [MASK], a random word, or the word
    itself. The last is what fine-tuning shows a model: real words only."""
    batches = masked_batches(pairs, 128, model.config.vocab_size, rule=rule, dynamic=False, shuffle=False, seed=seed)

    def counts(m: BertForPreTraining, batch: Batch) -> torch.Tensor:
        mlm_logits, targets, _ = pretraining_outputs(m, batch)
        outcome = batch["mlm_outcome"][batch["mlm_labels"] != IGNORE]
        right = (mlm_logits.argmax(-1) == targets).cpu()
        return torch.stack([torch.stack([right[outcome.cpu() == o].sum(), (outcome == o).sum().cpu()])
                            for o in (MASKED, RANDOM, UNCHANGED)])  # [outcome, (right, all)]

    totals = sum(evaluate_batches(model, batches(0), counts))
    return {OUTCOMES[o]: (right / total).item() if total else float("nan")
            for o, (right, total) in zip((MASKED, RANDOM, UNCHANGED), totals)}


def accuracy_by_position(model: BertForPreTraining, pairs: Sequence[dict], boundary: int,
                         rule: MaskingRule = BERT_MASKING, seed: int = 0) -> dict[str, float]:
    """MLM accuracy at the chosen positions before ``boundary`` (``near``) and from it on (``far``): on long pairs,
    how well the model predicts where the first phase of pre-training never reached."""
    batches = masked_batches(pairs, 128, model.config.vocab_size, rule=rule, dynamic=False, shuffle=False, seed=seed)

    def counts(m: BertForPreTraining, batch: Batch) -> torch.Tensor:
        mlm_logits, targets, _ = pretraining_outputs(m, batch)
        chosen = batch["mlm_labels"] != IGNORE
        far = (torch.arange(chosen.shape[1], device=chosen.device) >= boundary).expand_as(chosen)[chosen].cpu()
        right = (mlm_logits.argmax(-1) == targets).cpu()
        return torch.tensor([[right[~far].sum(), (~far).sum()], [right[far].sum(), far.sum()]])

    totals = sum(evaluate_batches(model, batches(0), counts))
    return {name: (right / total).item() if total else float("nan")
            for name, (right, total) in zip(("near", "far"), totals)}


def pretrain_bert(model: BertForPreTraining, train: Sequence[dict], validation: Sequence[dict] | None = None, *,
                  longer: Sequence[dict] = (), longer_validation: Sequence[dict] | None = None, boundary: int = 0,
                  epochs: int = 1, batch_size: int = 32, lr: float = 1e-3, warmup: float = 0.1,
                  weight_decay: float = 0.01, rule: MaskingRule = BERT_MASKING, dynamic: bool = True,
                  nsp: bool = True, seed: int = 0, progress: bool = True, device: torch.device | None = None,
                  desc: str = "pre-training BERT") -> History:
    """AdamW with BERT's warm-up then linear decay; records validation MLM and NSP accuracy after each epoch.

    ``longer``: pairs of longer sequences trained on after ``train`` (BERT's last 10% of steps at 512 tokens after
    128), under the same schedule; only they train the position embeddings from ``boundary`` (the first phase's
    length) on. With ``longer_validation``, the evaluations (at the switch and at the end) also record the MLM
    accuracy on those held-out long pairs before ``boundary`` (``near_mlm_accuracy``) and from it on
    (``far_mlm_accuracy``)."""
    vocab_size = model.config.vocab_size
    phases = [masked_batches(pairs, batch_size, vocab_size, rule=rule, dynamic=dynamic, seed=seed)
              for pairs in (train, longer) if len(pairs)]
    first_phase_steps = -(-len(train) // batch_size)
    steps = epochs * (first_phase_steps + -(-len(longer) // batch_size))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = warmup_then_linear_decay(optimizer, steps, int(warmup * steps))

    def batches(epoch: int) -> Iterator[Batch]:
        for phase in phases:
            yield from phase(epoch)

    def evaluate(m: BertForPreTraining) -> dict[str, float]:
        held_out = masked_batches(validation, 128, vocab_size, rule=rule, dynamic=False, shuffle=False, seed=seed)
        metrics = pretraining_accuracy(m, held_out(0))
        if longer_validation is not None:
            by_position = accuracy_by_position(m, longer_validation, boundary, rule, seed)
            metrics.update({f"{band}_mlm_accuracy": value for band, value in by_position.items()})
        return metrics

    return fit(model, batches, lambda m, batch: pretraining_loss(m, batch, nsp), optimizer, epochs=epochs,
               scheduler=scheduler, evaluate=evaluate if validation is not None else None,
               eval_every=first_phase_steps if len(longer) else None, clip_grad=1.0, total_steps=steps,
               device=device or default_device(), progress=progress, desc=desc)


def classifier_from(pretrained: BertForPreTraining | None, config: BertConfig, n_classes: int,
                    seed: int = 0, pooling: str = "cls") -> BertClassifier:
    """A :class:`BertClassifier` whose encoder (pooler included) starts from ``pretrained``, or from scratch."""
    torch.manual_seed(seed)
    model = BertClassifier(config, n_classes, pooling)
    if pretrained is not None:
        model.bert.load_state_dict(pretrained.bert.state_dict())
    return model


def classifier_loss(model: BertClassifier, batch: Batch) -> torch.Tensor:
    """Cross-entropy of the [CLS] classifier; a pair's two sentences are told apart by ``token_type_ids``."""
    logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
    return F.cross_entropy(logits, batch["labels"])


def classifier_batches(rows: Sequence[dict], batch_size: int, seed: int = 0,
                       shuffle: bool = True) -> Callable[[int], Iterator[Batch]]:
    """``epoch -> batches`` of encoded rows (``input_ids``, ``token_type_ids``, ``attention_mask``, ``label``)."""
    def batches(epoch: int) -> Iterator[Batch]:
        order = list(range(len(rows)))
        if shuffle:
            random.Random(f"{seed}-{epoch}").shuffle(order)
        for start in range(0, len(order), batch_size):
            yield collate([rows[i] for i in order[start:start + batch_size]])

    return batches


def fine_tune_bert(model: BertClassifier, train: Sequence[dict], *, epochs: int = 3, batch_size: int = 32,
                   lr: float = 1e-4, warmup: float = 0.1, weight_decay: float = 0.01, seed: int = 0,
                   progress: bool = False, device: torch.device | None = None) -> History:
    """Fine-tune every weight, as BERT does: AdamW, warm-up then linear decay to 0 (Devlin et al., 2019, 4)."""
    steps = epochs * -(-len(train) // batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = warmup_then_linear_decay(optimizer, steps, int(warmup * steps))
    return fit(model, classifier_batches(train, batch_size, seed), classifier_loss, optimizer, epochs=epochs,
               scheduler=scheduler, clip_grad=1.0, device=device or default_device(), progress=progress,
               desc="fine-tuning BERT")


def classifier_predictions(model: BertClassifier, rows: Sequence[dict], batch_size: int = 128) -> torch.Tensor:
    """The predicted class of each encoded row, [len(rows)]."""
    def predict(m: BertClassifier, batch: Batch) -> torch.Tensor:
        return m(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]).argmax(-1).cpu()

    return torch.cat(evaluate_batches(model, classifier_batches(rows, batch_size, shuffle=False)(0), predict))
