"""ULMFiT's techniques: STLR follows the paper's formula, rates fall by 2.6 per layer, unfreezing goes top-down."""

import math

import pytest
import torch
from torch import nn

from ptlib.models.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.models.classifier import LSTMClassifier
from ptlib.train import ulmfit


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
    for epoch in range(len(groups) + 1):
        ulmfit.freeze_all_but_top(groups, epoch + 1)
        trainable = [all(p.requires_grad for p in g.parameters()) for g in groups]
        frozen = [not any(p.requires_grad for p in g.parameters()) for g in groups]
        top = min(epoch + 1, len(groups))
        assert trainable == [i >= len(groups) - top for i in range(len(groups))]
        assert frozen == [i < len(groups) - top for i in range(len(groups))]
    with pytest.raises(ValueError, match="at least one"):
        ulmfit.freeze_all_but_top(groups, 0)


@pytest.mark.parametrize("cutoffs", [(), (10,)], ids=["tied softmax", "adaptive softmax"])
def test_lm_groups_hold_every_parameter_once_with_the_softmax_on_top(cutoffs):
    from ptlib.models.awd_lstm import AWDLSTMLanguageModel

    model = AWDLSTMLanguageModel(LMConfig(30, embedding=4, hidden=6, layers=2, softmax_cutoffs=cutoffs))
    groups = ulmfit.lm_layer_groups(model)
    ids = [[id(p) for p in g.parameters()] for g in groups]
    assert sum(map(len, ids)) == len({i for group in ids for i in group}) == len(list(model.parameters()))
    softmax = [id(p) for p in model.decoder.parameters()]
    assert id(model.encoder.embedding.weight) in ids[-1] and softmax and set(softmax) <= set(ids[-1])


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


def paper_stlr(t: int, total: int, cut_frac: float = 0.1, ratio: float = 32) -> float:
    """Equation 3 of Howard & Ruder (2018), written out independently of ptlib. Where T * cut_frac is not whole the
    decay would reach p = 0 before T and go below it; ptlib holds the rate at its floor there."""
    cut = math.floor(total * cut_frac)
    p = t / cut if t < cut else max(0.0, 1 - (t - cut) / (cut * (1 / cut_frac - 1)))
    return (1 + p * (ratio - 1)) / ratio


def test_stlr_equals_the_papers_equation_at_every_step():
    for total in (50, 137, 1000):
        assert all(ulmfit.stlr_multiplier(t, total) == pytest.approx(paper_stlr(t, total)) for t in range(total + 1))


def _recorded_rates(target: str, run) -> list[list[float]]:
    """Run ``run()`` with ``ulmfit.<target>`` wrapped so that every optimiser step records each group's rate."""
    seen: list[list[float]] = []
    original = getattr(ulmfit, target)

    def spy(*args, **kwargs):
        optimizer = kwargs["optimizer"] if "optimizer" in kwargs else args[3]  # fit(model, batches, loss, optimizer)
        optimizer.register_step_pre_hook(lambda opt, *_: seen.append([group["lr"] for group in opt.param_groups]))
        return original(*args, **kwargs)

    setattr(ulmfit, target, spy)
    try:
        run()
    finally:
        setattr(ulmfit, target, original)
    return seen


def _rates_per_step(**switches) -> list[list[float]]:
    """The learning rate of every parameter group at every optimiser step of one stage-3 run."""
    torch.manual_seed(0)
    model = LSTMClassifier(AWDLSTMEncoder(LMConfig(30, embedding=4, hidden=6, layers=1)), 2)
    return _recorded_rates("fit", lambda: ulmfit.train_ulmfit_classifier(
        model, _toy_examples(), steps_per_stage=8, lr=1e-2, gradual=False, device=torch.device("cpu"), **switches))


def test_the_slanted_and_discriminative_switches_change_the_rates_each_step():
    both = _rates_per_step()
    assert len(both) == 24 and len(both[0]) == 3  # one stage of 3 * 8 steps; embedding, LSTM, head
    top = [rates[-1] for rates in both]
    assert top == pytest.approx([1e-2 * paper_stlr(t, 24) for t in range(24)])
    assert all(rates == pytest.approx([rates[-1] / 2.6**2, rates[-1] / 2.6, rates[-1]]) for rates in both)
    constant = _rates_per_step(slanted=False)
    assert all(rates == pytest.approx([1e-2 / 2.6**2, 1e-2 / 2.6, 1e-2]) for rates in constant)
    one_rate = _rates_per_step(discriminative=False)
    assert all(rates == pytest.approx([rates[0]]) for rates in one_rate)  # a single group for every parameter
    assert [rates[0] for rates in one_rate] == pytest.approx(top)


@pytest.mark.parametrize(("total", "floor"), [(40, 0.05), (50, 0.2)])
def test_linear_decay_is_torchs_linear_lr_then_holds_the_floor(total, floor):
    from ptlib.train.schedules import linear_decay

    ours_opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    torch_opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    ours = linear_decay(ours_opt, total, floor)
    reference = torch.optim.lr_scheduler.LinearLR(torch_opt, 1.0, floor, round((1 - floor) * total))
    seen, expected = [], []
    for _ in range(total + 10):  # past the end: both hold the floor
        seen.append(ours_opt.param_groups[0]["lr"])
        expected.append(torch_opt.param_groups[0]["lr"])
        for optimizer, schedule in ((ours_opt, ours), (torch_opt, reference)):
            optimizer.step()
            schedule.step()
    assert seen == pytest.approx(expected, abs=1e-12)
    assert seen[0] == pytest.approx(0.1) and seen[-1] == pytest.approx(0.1 * floor)


def _lm_rates_per_step(**switches) -> list[list[float]]:
    """The learning rate of every parameter group at every step of stage 2 (fine-tuning a language model)."""
    from ptlib.models.awd_lstm import AWDLSTMLanguageModel

    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(LMConfig(30, embedding=4, hidden=6, layers=2))
    stream = torch.randint(5, 30, (4 * 41,))  # 4 rows of 41 tokens: 40 predictions, 5 windows of 8
    return _recorded_rates("train_language_model", lambda: ulmfit.fine_tune_language_model(
        model, stream, epochs=2, lr=1e-2, batch_size=4, bptt=8, progress=False, device=torch.device("cpu"),
        **switches))


def test_the_lm_fine_tuning_switches_change_the_rates_each_step():
    both = _lm_rates_per_step()
    assert len(both) == 10 and len(both[0]) == 3  # 2 epochs of 5 windows; two LSTM layers, embedding + softmax
    assert [rates[-1] for rates in both] == pytest.approx([1e-2 * paper_stlr(t, 10) for t in range(10)])
    assert all(rates == pytest.approx([rates[-1] / 2.6**2, rates[-1] / 2.6, rates[-1]]) for rates in both)
    assert _lm_rates_per_step(slanted=False, discriminative=False) == [[1e-2]] * 10  # one group, one rate
    constant = _lm_rates_per_step(slanted=False)
    assert all(rates == pytest.approx([1e-2 / 2.6**2, 1e-2 / 2.6, 1e-2]) for rates in constant)
