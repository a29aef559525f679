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


def _toy_pairs(n: int, seed: int, run: int = 6) -> list[dict]:
    """Pairs of runs of the cycle (``run`` words each): the second continues the first (is_next) or starts anywhere
    else."""
    rng = random.Random(seed)
    pairs = []
    for index in range(n):
        start = rng.randrange(CYCLE)
        first = [5 + (start + i) % CYCLE for i in range(run)]
        label = index % 2
        offset = run if label == 0 else rng.choice([k for k in range(CYCLE) if k != run % CYCLE])
        second = [5 + (start + offset + i) % CYCLE for i in range(run)]
        ids = [CLS_ID, *first, SEP_ID, *second, SEP_ID]
        pairs.append({"input_ids": ids, "token_type_ids": [0] * (run + 2) + [1] * (run + 1), "label": label})
    return pairs


def _model(seed: int = 0, max_positions: int = 16) -> BertForPreTraining:
    torch.manual_seed(seed)
    return BertForPreTraining(BertConfig(vocab_size=5 + CYCLE, hidden=64, layers=2, heads=4, intermediate=128,
                                         max_positions=max_positions, dropout=0.0, attention_dropout=0.0))


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


def _two_phase_toy(longer: bool) -> tuple[BertForPreTraining, torch.Tensor, list[dict]]:
    """A toy BERT pre-trained on 15-token pairs, then (if ``longer``) a short phase of 31-token pairs; with its
    initial position embeddings and its evaluations."""
    model = _model(max_positions=32)
    initial = model.bert.embeddings.position_embeddings.weight.detach().clone()
    history = bert_training.pretrain_bert(
        model, _toy_pairs(6400, seed=0), _toy_pairs(100, seed=1),
        longer=_toy_pairs(1600, seed=4, run=14) if longer else (),
        longer_validation=_toy_pairs(100, seed=1, run=14), boundary=16, batch_size=32, lr=5e-3, progress=False,
        device=torch.device("cpu"))
    return model, initial, history.evaluations


def test_only_the_longer_phase_trains_the_positions_beyond_the_first_phases_length():
    def scale_of_far_rows(longer: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """How each position embedding from 16 on compares with its initial value (one factor per row)."""
        model, initial, _ = _two_phase_toy(longer)
        now = model.bert.embeddings.position_embeddings.weight.detach()
        return (now[16:] * initial[16:]).sum(-1) / (initial[16:] ** 2).sum(-1), (now[16:] - initial[16:]).norm()

    # without gradients, AdamW's decoupled weight decay only shrinks a row, by the same factor for every row
    shrunk, _ = scale_of_far_rows(longer=False)
    assert shrunk.max() - shrunk.min() < 1e-5 and 0.95 < shrunk.mean() < 1
    trained, moved = scale_of_far_rows(longer=True)
    assert trained.max() - trained.min() > 0.05 and moved > 0.1


def test_the_longer_phase_teaches_the_model_to_predict_beyond_the_first_phases_length():
    _, _, (switch, end) = _two_phase_toy(longer=True)
    assert switch["step"] == 6400 // 32 and end["step"] == (6400 + 1600) // 32
    # measured: far 0.17 at the switch, 0.39 at the end
    assert end["far_mlm_accuracy"] > switch["far_mlm_accuracy"] + 0.1


def test_accuracy_by_position_counts_the_chosen_positions_either_side_of_the_boundary():
    model, pairs = _model(max_positions=32).eval(), _toy_pairs(40, seed=5, run=14)
    found = bert_training.accuracy_by_position(model, pairs, boundary=10, seed=2)
    batch = next(bert_training.masked_batches(pairs, 128, 5 + CYCLE, dynamic=False, shuffle=False, seed=2)(0))
    with torch.no_grad():
        mlm_logits, _ = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])  # every position
    right = {"near": [0, 0], "far": [0, 0]}
    for row, position in (batch["mlm_labels"] != IGNORE).nonzero().tolist():
        band = right["far" if position >= 10 else "near"]
        band[0] += int(mlm_logits[row, position].argmax() == batch["mlm_labels"][row, position])
        band[1] += 1
    assert right["near"][1] > 10 and right["far"][1] > 10
    assert found == pytest.approx({band: hits / total for band, (hits, total) in right.items()})


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
