"""BERT's pre-training objectives and schedule, against brute-force references and a toy world it must learn."""

import random

import pytest
import torch
import torch.nn.functional as F
import transformers

from ptlib.data.masking import IGNORE
from ptlib.data.vocab import CLS_ID, SEP_ID
from ptlib.models.bert import BertConfig, BertForPreTraining
from ptlib.train import bert as bert_training
from ptlib.train.schedules import warmup_then_linear_decay

CYCLE = 12  # toy words 5 .. 16, each followed by the next one round the cycle


def _toy_pairs(n: int, seed: int) -> list[dict]:
    """Pairs of 6-word runs of the cycle: the second continues the first (is_next) or starts anywhere else."""
    rng = random.Random(seed)
    pairs = []
    for index in range(n):
        start = rng.randrange(CYCLE)
        first = [5 + (start + i) % CYCLE for i in range(6)]
        label = index % 2
        offset = 6 if label == 0 else rng.choice([k for k in range(CYCLE) if k != 6])
        second = [5 + (start + offset + i) % CYCLE for i in range(6)]
        ids = [CLS_ID, *first, SEP_ID, *second, SEP_ID]
        pairs.append({"input_ids": ids, "token_type_ids": [0] * 8 + [1] * 7, "label": label})
    return pairs


def _model(seed: int = 0) -> BertForPreTraining:
    torch.manual_seed(seed)
    return BertForPreTraining(BertConfig(vocab_size=5 + CYCLE, hidden=64, layers=2, heads=4, intermediate=128,
                                         max_positions=16, dropout=0.0, attention_dropout=0.0))


def test_the_loss_is_the_cross_entropy_of_the_chosen_positions_plus_nsp():
    model = _model().eval()
    batch = next(bert_training.masked_batches(_toy_pairs(8, 0), 8, 5 + CYCLE)(0))
    with torch.no_grad():
        mlm_logits, nsp_logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        chosen = batch["mlm_labels"] != IGNORE
        assert 0 < chosen.sum() < chosen.numel() / 4
        mlm = F.cross_entropy(mlm_logits[chosen], batch["mlm_labels"][chosen])  # brute force: every position scored
        nsp = F.cross_entropy(nsp_logits, batch["labels"])
        assert torch.allclose(bert_training.pretraining_loss(model, batch), mlm + nsp, atol=1e-5)
        assert torch.allclose(bert_training.pretraining_loss(model, batch, nsp=False), mlm, atol=1e-5)


@pytest.fixture(scope="module")
def pretrained_toy():
    """A small BERT pre-trained on the toy world, with its accuracy on held-out pairs before training."""
    model = _model()
    held_out = _toy_pairs(200, seed=1)
    before = bert_training.pretraining_accuracy(
        model, bert_training.masked_batches(held_out, 100, 5 + CYCLE, dynamic=False, shuffle=False)(0))
    history = bert_training.pretrain_bert(model, _toy_pairs(3200, seed=0), held_out, epochs=3, batch_size=32, lr=5e-3,
                                          progress=False, device=torch.device("cpu"))
    return model, before, history


def test_a_small_bert_learns_the_toy_worlds_words_and_order(pretrained_toy):
    _, before, history = pretrained_toy
    after = history.evaluations[-1]  # measured: MLM 0.925, NSP 0.88 (chance: 1/12 and 1/2)
    assert before["mlm_accuracy"] < 0.2 and after["mlm_accuracy"] > 0.8  # a masked word follows from its neighbours
    assert after["nsp_accuracy"] > 0.75  # is_next continues the cycle across [SEP]


def test_the_schedule_is_transformers_linear_schedule_with_warmup():
    def rates(make) -> list[float]:
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        scheduler, seen = make(optimizer), []
        for _ in range(100):
            seen.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        return seen

    ours = rates(lambda o: warmup_then_linear_decay(o, 100, 10))
    reference = rates(lambda o: transformers.get_linear_schedule_with_warmup(o, 10, 100))
    assert ours == pytest.approx(reference, abs=1e-12)
    assert ours[10] == 1.0 and ours[0] == 0.0
    with pytest.raises(ValueError, match="warmup_steps < total_steps"):
        warmup_then_linear_decay(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0), 10, 10)


def test_dynamic_masks_change_each_epoch_and_static_ones_follow_the_example_not_its_batch():
    pairs = list({tuple(pair["input_ids"]): pair for pair in _toy_pairs(64, 0)}.values())  # each example once

    def masks_by_example(epoch: int, dynamic: bool) -> dict[tuple, torch.Tensor]:
        """Each example's mask pattern, keyed by its (unmasked) token ids, whatever batch it landed in."""
        found = {}
        for batch in bert_training.masked_batches(pairs, 16, 5 + CYCLE, dynamic=dynamic, seed=3)(epoch):
            originals = torch.where(batch["mlm_labels"] != IGNORE, batch["mlm_labels"], batch["input_ids"])
            for row, chosen in zip(originals, batch["mlm_labels"] != IGNORE):
                found[tuple(row.tolist())] = chosen
        return found

    static = [masks_by_example(epoch, dynamic=False) for epoch in (0, 1)]
    assert all(torch.equal(static[0][key], static[1][key]) for key in static[0])  # reshuffled, same masks
    dynamic = [masks_by_example(epoch, dynamic=True) for epoch in (0, 1)]
    changed = sum(not torch.equal(dynamic[0][key], dynamic[1][key]) for key in dynamic[0])
    assert changed > len(dynamic[0]) / 2


def test_fine_tuning_transfers_what_pretraining_learnt_about_the_pair(pretrained_toy):
    # the label is whether the second segment continues the first: NSP taught it, 400 labels alone do not
    pretrained_model = pretrained_toy[0]
    tuned = bert_training.classifier_from(pretrained_model, pretrained_model.config, 2)
    assert all(torch.equal(value, pretrained_model.bert.state_dict()[key])
               for key, value in tuned.bert.state_dict().items())
    scratch = bert_training.classifier_from(None, pretrained_model.config, 2)
    test = _toy_pairs(200, seed=2)
    labels = torch.tensor([row["label"] for row in test])
    accuracy = {}
    for name, model in (("pre-trained", tuned), ("scratch", scratch)):
        bert_training.fine_tune_bert(model, _toy_pairs(400, seed=3), epochs=3, batch_size=16, lr=3e-4,
                                     device=torch.device("cpu"))
        predictions = bert_training.classifier_predictions(model, test)
        assert predictions.shape == (200,)
        accuracy[name] = (predictions == labels).float().mean().item()
    assert accuracy["pre-trained"] > 0.9 and accuracy["scratch"] < 0.65  # measured: 0.97 and 0.50


def test_the_classifier_reads_both_segments_as_the_model_does_by_hand():
    config = _model().config
    model = bert_training.classifier_from(None, config, 2).eval()
    torch.nn.init.normal_(model.classifier.weight, std=1.0)  # BERT's 0.02 leaves every logit near 0: scale them up
    rows = _toy_pairs(12, seed=4)
    batch = next(bert_training.classifier_batches(rows, 12, shuffle=False)(0))
    with torch.no_grad():
        logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        without_segments = model(batch["input_ids"], batch["attention_mask"])
        assert not torch.allclose(logits, without_segments, atol=1e-2)  # so a classifier that drops them is caught
        reference = F.cross_entropy(logits, torch.tensor([row["label"] for row in rows]))
        assert torch.allclose(bert_training.classifier_loss(model, batch), reference, atol=1e-6)
    assert torch.equal(bert_training.classifier_predictions(model, rows), logits.argmax(-1))


def test_extra_padding_leaves_the_pretraining_loss_unchanged():
    model = _model().eval()
    batch = next(bert_training.masked_batches(_toy_pairs(8, seed=4), 8, model.config.vocab_size, seed=1)(0))
    extra = 1  # the toy pairs have 15 tokens, the model 16 positions

    def padded(name: str, value: int) -> torch.Tensor:
        tensor = batch[name]
        return torch.cat([tensor, torch.full((tensor.size(0), extra), value, dtype=tensor.dtype)], 1)

    longer = {**batch, "input_ids": padded("input_ids", 0), "attention_mask": padded("attention_mask", 0),
              "token_type_ids": padded("token_type_ids", 0), "mlm_labels": padded("mlm_labels", IGNORE),
              "mlm_outcome": padded("mlm_outcome", 0)}
    with torch.no_grad():
        torch.testing.assert_close(bert_training.pretraining_loss(model, longer),
                                   bert_training.pretraining_loss(model, batch), atol=1e-5, rtol=1e-5)
