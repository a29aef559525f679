"""The training loop: it trains, records, evaluates, and stops with a clear message on bad input."""

import math

import pytest
import torch
from torch import nn

from ptlib import training


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
    history = training.fit(model, batches, mse, torch.optim.SGD(model.parameters(), lr=0.1), epochs=30,
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
        training.fit(model, regression_problem(), lambda m, b: torch.tensor(float("nan"), requires_grad=True),
                     optimiser, progress=False, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="no batches"):
        training.fit(model, [], mse, optimiser, progress=False, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="epochs"):
        training.fit(model, [], mse, optimiser, epochs=0)


def test_to_device_walks_nested_batches_and_perplexity_is_capped():
    batch = {"a": torch.ones(2), "b": [torch.zeros(1), ("text", torch.ones(1))]}
    moved = training.to_device(batch, torch.device("cpu"))
    assert torch.equal(moved["b"][1][1], torch.ones(1)) and moved["b"][1][0] == "text"
    assert training.perplexity(math.log(7)) == pytest.approx(7)
    assert math.isfinite(training.perplexity(1e9))
