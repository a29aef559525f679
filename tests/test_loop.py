"""The training loop: it trains, records, evaluates, and stops with a clear message on bad input."""

import math

import pytest
import torch
from torch import nn

from ptlib.data.batching import to_device
from ptlib.train import loop


def regression_problem():
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5])
    return [(x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16)]


def mse(model, batch):
    x, y = batch
    return ((model(x).squeeze(-1) - y) ** 2).mean()


def test_fit_learns_records_and_evaluates():
    batches = regression_problem()
    model = nn.Linear(3, 1)
    epochs_started = []
    history = loop.fit(model, batches, mse, torch.optim.SGD(model.parameters(), lr=0.1), epochs=30,
                           evaluate=lambda m: {"loss": float(sum(mse(m, b) for b in batches) / 4)},
                           on_epoch_start=epochs_started.append, progress=False, device=torch.device("cpu"))
    assert history.steps == list(range(1, 121)) and len(history.losses) == 120
    assert epochs_started == list(range(30))
    steps, values = history.metric("loss")
    assert steps[-1] == 120 and len(values) == 30 and values[-1] < values[0] / 100
    assert history.final("loss") == values[-1] and not model.training and history.seconds > 0
    assert len(history.smoothed_losses(5)) == 120
    with pytest.raises(KeyError, match="recorded: \\['loss'\\]"):
        history.metric("accuracy")


def test_fit_stops_on_nan_and_on_empty_data():
    model = nn.Linear(3, 1)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        loop.fit(model, regression_problem(), lambda m, b: torch.tensor(float("nan"), requires_grad=True),
                     optimiser, progress=False, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="no batches"):
        loop.fit(model, [], mse, optimiser, progress=False, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="epochs"):
        loop.fit(model, [], mse, optimiser, epochs=0)


def test_to_device_walks_nested_batches_and_perplexity_is_capped():
    batch = {"a": torch.ones(2), "b": [torch.zeros(1), ("text", torch.ones(1))]}
    moved = to_device(batch, torch.device("cpu"))
    assert torch.equal(moved["b"][1][1], torch.ones(1)) and moved["b"][1][0] == "text"
    assert loop.perplexity(math.log(7)) == pytest.approx(7)
    assert math.isfinite(loop.perplexity(1e9))


def test_fit_clips_the_gradient_norm_before_each_step():
    model = nn.Linear(3, 1, bias=False)
    with torch.no_grad():
        model.weight.zero_()
    x, y = torch.ones(4, 3), torch.full((4,), 100.0)  # a huge first gradient
    loop.fit(model, [(x, y)], mse, torch.optim.SGD(model.parameters(), lr=1.0), clip_grad=0.5, progress=False,
             device=torch.device("cpu"))
    assert model.weight.norm().item() == pytest.approx(0.5)  # one SGD step of a gradient clipped to norm 0.5
    unclipped = nn.Linear(3, 1, bias=False)
    with torch.no_grad():
        unclipped.weight.zero_()
    loop.fit(unclipped, [(x, y)], mse, torch.optim.SGD(unclipped.parameters(), lr=1.0), clip_grad=None,
             progress=False, device=torch.device("cpu"))
    assert unclipped.weight.norm().item() == pytest.approx((2 * 100 * torch.ones(3)).norm().item())


def test_accumulating_k_batches_is_one_step_on_their_mean_gradient():
    batches = regression_problem()
    big = [(torch.cat([x for x, _ in batches[:2]]), torch.cat([y for _, y in batches[:2]])),
           (torch.cat([x for x, _ in batches[2:]]), torch.cat([y for _, y in batches[2:]]))]
    torch.manual_seed(0)
    accumulated, whole = nn.Linear(3, 1), nn.Linear(3, 1)
    whole.load_state_dict(accumulated.state_dict())
    history = loop.fit(accumulated, batches, mse, torch.optim.SGD(accumulated.parameters(), lr=0.1), accumulate=2,
                       progress=False, device=torch.device("cpu"))
    loop.fit(whole, big, mse, torch.optim.SGD(whole.parameters(), lr=0.1), progress=False, device=torch.device("cpu"))
    assert history.steps == [1, 2]
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(accumulated.parameters(), whole.parameters()))
    with pytest.raises(ValueError, match="accumulate"):
        loop.fit(whole, big, mse, torch.optim.SGD(whole.parameters(), lr=0.1), accumulate=0)


class Noisy(nn.Module):
    """Dropout makes train mode visible: outputs differ between calls only in train mode."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        return self.linear(self.dropout(x))


def test_evaluation_runs_in_eval_mode_without_gradients_and_restores_the_mode():
    model = Noisy().train()
    x = torch.ones(64, 3)
    seen = []

    def forward(m, batch):
        seen.append((m.training, torch.is_grad_enabled()))
        return m(batch)

    first, second = loop.evaluate_batches(model, [x, x], forward)
    assert torch.equal(first, second) and seen == [(False, False), (False, False)]
    assert model.training  # restored
    modes = []
    loop.fit(model, regression_problem(), mse, torch.optim.SGD(model.parameters(), lr=0.1), epochs=2,
             evaluate=lambda m: modes.append((m.training, torch.is_grad_enabled())) or {}, progress=False,
             device=torch.device("cpu"))
    training_modes = []
    loop.fit(model, regression_problem(), lambda m, b: training_modes.append(m.training) or mse(m, b),
             torch.optim.SGD(model.parameters(), lr=0.1), progress=False, device=torch.device("cpu"))
    assert modes == [(False, False), (False, False)] and all(training_modes) and not model.training


def test_training_goes_on_in_train_mode_after_each_evaluation():
    model = Noisy()
    training_modes, evaluation_modes = [], []

    def loss_fn(m, batch):
        training_modes.append(m.training)
        return mse(m, batch)

    loop.fit(model, regression_problem(), loss_fn, torch.optim.SGD(model.parameters(), lr=0.01), epochs=3,
             eval_every=2, evaluate=lambda m: evaluation_modes.append(m.training) or {}, progress=False,
             device=torch.device("cpu"))
    assert len(training_modes) == 12 and all(training_modes)  # every batch after an evaluation too
    assert evaluation_modes == [False] * 6 and not model.training


def test_an_epoch_that_does_not_divide_into_accumulations_ends_with_a_smaller_step():
    batches = regression_problem()[:3]  # accumulate=2: one step on batches 0 and 1, then one on batch 2
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    weight, bias = model.weight.detach().clone(), model.bias.detach().clone()
    history = loop.fit(model, batches, mse, torch.optim.SGD(model.parameters(), lr=0.1), accumulate=2,
                       clip_grad=None, progress=False, device=torch.device("cpu"))
    assert history.steps == [1, 2] and len(history.losses) == 2
    # SGD by hand: each step follows the gradient of the pending losses, each divided by accumulate (2)
    for group in ([0, 1], [2]):
        w, b = weight.clone().requires_grad_(), bias.clone().requires_grad_()
        loss = sum(((batches[k][0] @ w.T + b).squeeze(-1) - batches[k][1]).pow(2).mean() / 2 for k in group)
        loss.backward()
        weight, bias = weight - 0.1 * w.grad, bias - 0.1 * b.grad
    assert torch.allclose(model.weight, weight, atol=1e-6) and torch.allclose(model.bias, bias, atol=1e-6)


def test_the_progress_bar_is_told_the_total_steps_of_a_stream_without_a_length(monkeypatch):
    totals = []

    class Bar:
        def __init__(self, total=None, **kwargs):
            totals.append(total)

        def update(self, n):
            pass

        def set_postfix(self, **kwargs):
            pass

        def close(self):
            pass

    monkeypatch.setattr(loop, "tqdm", Bar)
    model = nn.Linear(3, 1)
    for total_steps in (None, 4):
        loop.fit(model, lambda epoch: regression_problem(), mse, torch.optim.SGD(model.parameters(), lr=0.01),
                 total_steps=total_steps, device=torch.device("cpu"))
    loop.fit(model, regression_problem(), mse, torch.optim.SGD(model.parameters(), lr=0.01), epochs=2,
             device=torch.device("cpu"))
    assert totals == [None, 4, 8]  # a list has a length: 2 epochs of 4 batches
