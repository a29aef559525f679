"""Device choice and seeding."""

import random

import numpy as np
import pytest
import torch

from ptlib import runtime
from ptlib.runtime import one_cpu_thread


def test_device_override_and_bad_values(monkeypatch):
    monkeypatch.setenv("PTLIB_DEVICE", "cpu")
    assert runtime.device() == torch.device("cpu")
    monkeypatch.setenv("PTLIB_DEVICE", "tpu")
    with pytest.raises(ValueError, match="use cpu, cuda or mps"):
        runtime.device()
    monkeypatch.delenv("PTLIB_DEVICE")
    expected = "cuda" if torch.cuda.is_available() else None
    if expected:
        assert runtime.device().type == expected
    else:
        assert runtime.device().type in ("cpu", "mps")


def test_seeding_repeats_every_generator():
    def draw():
        generator = runtime.seed_everything(7)
        return random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=generator).item()

    assert draw() == draw()


def test_describe_names_mode_and_device(monkeypatch):
    monkeypatch.setenv("PTLIB_MODE", "quick")
    assert "mode=quick" in runtime.describe() and "torch" in runtime.describe()


def test_one_cpu_thread_is_restored_afterwards():
    before = torch.get_num_threads()
    with one_cpu_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
