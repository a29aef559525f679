"""ULMFiT's techniques: STLR follows the paper's formula, rates fall by 2.6 per layer, unfreezing goes top-down."""

import math

import pytest
import torch
from torch import nn

from ptlib import ulmfit
from ptlib.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.classifier import LSTMClassifier


def test_stlr_start_peak_and_end_match_the_paper():
    total, cut_frac, ratio = 1000, 0.1, 32
    cut = math.floor(total * cut_frac)
    assert ulmfit.stlr_multiplier(0, total, cut_frac, ratio) == pytest.approx(1 / ratio)
    assert ulmfit.stlr_multiplier(cut, total, cut_frac, ratio) == pytest.approx(1.0)
    assert ulmfit.stlr_multiplier(total, total, cut_frac, ratio) == pytest.approx(1 / ratio)
    # halfway up the warm-up, p = 0.5
    assert ulmfit.stlr_multiplier(cut // 2, total, cut_frac, ratio) == pytest.approx((1 + 0.5 * (ratio - 1)) / ratio)
    rates = [ulmfit.stlr_multiplier(t, total) for t in range(total + 1)]
    assert rates.index(max(rates)) == cut
    assert all(a <= b for a, b in zip(rates[:cut], rates[1 : cut + 1]))  # rises, then
    assert all(a >= b for a, b in zip(rates[cut:], rates[cut + 1 :]))  # falls


def test_stlr_as_a_scheduler_and_bad_arguments():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    schedule = ulmfit.slanted_triangular(optimizer, total_steps=100)
    seen = []
    for _ in range(100):
        seen.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert seen[0] == pytest.approx(0.01 / 32) and max(seen) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="cut_frac"):
        ulmfit.slanted_triangular(optimizer, 100, cut_frac=1.5)
    with pytest.raises(ValueError, match="total_steps"):
        ulmfit.stlr_multiplier(0, 0)


def classifier_groups():
    model = LSTMClassifier(AWDLSTMEncoder(LMConfig(30, embedding=4, hidden=6, layers=2)), 2)
    return model, [*model.encoder.layer_groups(), model.head]


def test_discriminative_rates_fall_by_2_6_per_layer():
    model, groups = classifier_groups()
    param_groups = ulmfit.discriminative_groups(groups, top_lr=0.01)
    rates = [g["lr"] for g in param_groups]
    assert rates[-1] == 0.01
    assert all(lower == pytest.approx(upper / 2.6) for lower, upper in zip(rates, rates[1:]))
    assert sum(len(g["params"]) for g in param_groups) == len(list(model.parameters()))
    torch.optim.Adam(param_groups)  # a valid optimizer configuration


def test_gradual_unfreezing_trains_exactly_the_top_groups():
    _, groups = classifier_groups()
    unfreeze = ulmfit.gradual_unfreezing(groups)
    for epoch in range(len(groups) + 1):
        unfreeze(epoch)
        trainable = [all(p.requires_grad for p in g.parameters()) for g in groups]
        frozen = [not any(p.requires_grad for p in g.parameters()) for g in groups]
        top = min(epoch + 1, len(groups))
        assert trainable == [i >= len(groups) - top for i in range(len(groups))]
        assert frozen == [i < len(groups) - top for i in range(len(groups))]
    with pytest.raises(ValueError, match="at least one"):
        ulmfit.freeze_all_but_top(groups, 0)


def test_lm_groups_hold_every_parameter_once_with_the_tied_softmax_on_top():
    from ptlib.awd_lstm import AWDLSTMLanguageModel

    model = AWDLSTMLanguageModel(LMConfig(30, embedding=4, hidden=6, layers=2))
    groups = ulmfit.lm_layer_groups(model)
    ids = [[id(p) for p in g.parameters()] for g in groups]
    assert sum(map(len, ids)) == len({i for group in ids for i in group}) == len(list(model.parameters()))
    assert id(model.encoder.embedding.weight) in ids[-1] and id(model.decoder.bias) in ids[-1]


def _toy_examples():
    words = ["good", "fine", "bad", "awful"]
    return [([9, 10, 5 + words.index(w)], int(w in ("good", "fine"))) for w in words] * 8


def test_ulmfit_classifier_stages_unfreeze_top_down_and_learn():
    torch.manual_seed(0)
    model = LSTMClassifier(AWDLSTMEncoder(LMConfig(30, embedding=16, hidden=16, layers=2)), 2)
    groups = ulmfit.classifier_layer_groups(model)
    seen = []
    original = ulmfit.fit

    def spy(model_, *args, **kwargs):
        seen.append(([all(p.requires_grad for p in g.parameters()) for g in groups],
                     [group["lr"] for group in args[2].param_groups]))
        return original(model_, *args, **kwargs)

    ulmfit.fit = spy
    try:
        histories = ulmfit.train_ulmfit_classifier(model, _toy_examples(), steps_per_stage=40, lr=3e-2,
                                                   validation=_toy_examples(), device=torch.device("cpu"))
    finally:
        ulmfit.fit = original
    assert len(histories) == len(groups) == 4
    assert [trainable for trainable, _ in seen] == [[False] * (4 - k) + [True] * k for k in range(1, 5)]
    # the optimiser of the last stage holds every group, each rate 2.6 times below the one above
    rates = seen[-1][1]
    assert len(rates) == 4 and all(lower == pytest.approx(upper / 2.6) for lower, upper in zip(rates, rates[1:]))
    assert histories[-1].final("validation_accuracy") == 1.0
    assert all(p.requires_grad for p in model.parameters())  # nothing is left frozen


def test_all_at_once_is_one_stage_of_equal_cost_with_one_rate():
    model, groups = classifier_groups()
    histories = ulmfit.train_ulmfit_classifier(model, _toy_examples(), steps_per_stage=10, gradual=False,
                                               discriminative=False, device=torch.device("cpu"))
    assert len(histories) == 1 and len(histories[0].steps) == 40
