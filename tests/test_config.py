"""Run modes: one switch, clear errors for bad values, every size in one place."""

import dataclasses

import pytest

from ptlib import config


def test_default_is_full_and_quick_is_smaller(monkeypatch):
    monkeypatch.delenv("PTLIB_MODE", raising=False)
    assert config.mode() == "full" and config.sizes() == config.FULL
    monkeypatch.setenv("PTLIB_MODE", " Quick ")
    assert config.mode() == "quick" and config.sizes().mode == "quick"
    for field in dataclasses.fields(config.Sizes):
        quick, full = getattr(config.QUICK, field.name), getattr(config.FULL, field.name)
        if isinstance(quick, (int, float)) and field.name not in ("lm_lr", "lm_layers", "lm_batch_size",
                                                                  "lm_bptt", "classifier_batch_size"):
            assert quick <= full, field.name


def test_unknown_mode_says_what_to_do(monkeypatch):
    monkeypatch.setenv("PTLIB_MODE", "fast")
    with pytest.raises(config.RunModeError, match="'fast' is not a run mode. Use one of quick, full"):
        config.sizes()
    with pytest.raises(config.RunModeError, match="'medium'"):
        config.sizes("medium")


def test_overrides_replace_single_sizes_and_reject_unknown_names():
    small = config.sizes("quick", corpus_sentences=10)
    assert small.corpus_sentences == 10 and small.lm_epochs == config.QUICK.lm_epochs
    with pytest.raises(TypeError, match="unknown size name"):
        config.sizes("quick", corpus_sentence=10)
