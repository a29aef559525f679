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
