"""Bad settings, caches, model names and homework answers, one table row each (the table's rules: test_bad_input.py).

No model is trained: where a row reaches the pre-trained registry, the model's builder is replaced by one that
fails loudly (the row must stop before training) or returns a tiny stored model at once.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import torch
from datasets import Dataset
from test_bad_input import Gives, Raises, rows, run_row

from ptlib import cache, config, pretrained, runtime
from ptlib.data.vocab import Vocab
from ptlib.exercises import Feedback, contextual, elmo_checks, language_modelling, start_here, transfer, ulmfit

QUICK = config.sizes("quick")
NAN = float("nan")


def boom() -> dict:
    raise AssertionError("the model was trained: the bad setting should have stopped it first")


def tiny_glove(*_: Any) -> dict:
    vocab = Vocab(["play", "game"])
    return {"vectors": torch.ones(len(vocab), 3), "vocab": vocab, "observed": torch.ones(len(vocab), dtype=torch.bool),
            "losses": [], "seconds": 0.0}


def under(env: dict[str, str], call: Callable[[Any], Any], build: Callable[..., dict] = boom) -> Callable[[Any], Any]:
    """``call`` run with the environment variables ``env`` (paths relative to the kit's folder), and with the
    pre-trained GloVe built by ``build``."""

    def run(kit: Any) -> Any:
        values = {name: str(kit.tmp / value) if name == "PTLIB_CACHE" else value for name, value in env.items()}
        glove = dataclasses.replace(pretrained.MODELS["glove"], build=build)
        with mock.patch.dict(os.environ, values), mock.patch.dict(pretrained.MODELS, {"glove": glove}):
            return call(kit)

    return run


CONFIG = {"width": 3}


def damaged(folder: str, damage: Callable[[Path], None]) -> Callable[[Any], Any]:
    """A stored entry damaged on disk, then asked for twice: (the rebuilt value, the value read back)."""

    def run(kit: Any) -> tuple[Any, Any]:
        root = kit.tmp / folder
        cache.cached("thing", CONFIG, lambda: {"w": torch.arange(3)}, root=root)
        damage(cache.cache_path("thing", CONFIG, root))
        rebuilt = cache.cached("thing", CONFIG, lambda: {"w": torch.arange(3)}, root=root)
        return rebuilt, cache.cached("thing", CONFIG, boom, root=root)  # stored again: no second build

    return run


def rebuilt_and_kept(warns: str) -> Gives:
    return Gives(lambda pair: all(torch.equal(value["w"], torch.arange(3)) for value in pair), warns)


def unpicklable(kit: Any) -> tuple[Any, list[str]]:
    value = cache.cached("f", CONFIG, lambda: {"f": lambda: 1}, root=kit.tmp / "pickle")
    return value, sorted(path.name for path in (kit.tmp / "pickle").iterdir())


def restored_after_damage(kit: Any) -> pretrained.GloVe:
    """A cached GloVe entry in the right format whose payload lacks everything: it must be trained again."""
    cache.cached("glove", pretrained.cache_key("glove", QUICK), dict)
    return pretrained.load("glove", QUICK)


def cache_in_a_file(folder: str, call: Callable[[], Any]) -> Callable[[Any], Any]:
    """``call`` with PTLIB_CACHE at ``folder``, which is (or is inside) a file named "file"."""

    def run(kit: Any) -> Any:
        (kit.tmp / "file").write_text("not a folder")
        return under({"PTLIB_CACHE": folder}, lambda _: call())(kit)

    return run


def root_is_a_file(kit: Any) -> Any:
    (kit.tmp / "file").write_text("not a folder")
    return cache.cached("m", CONFIG, boom, root=kit.tmp / "file")


ROWS_CACHE = rows(
    ("cache-is-a-file", cache_in_a_file("file", lambda: cache.cached("m", CONFIG, boom)),
     Raises(cache.CacheLocationError, "is a file. Point PTLIB_CACHE at a folder")),
    ("cache-inside-a-file", cache_in_a_file("file/sub", lambda: cache.cached("m", CONFIG, boom)),
     Raises(cache.CacheLocationError, "file is a file")),
    ("cache-root-is-a-file", root_is_a_file, Raises(cache.CacheLocationError, "is a file")),
    ("cache-dir-is-a-file", cache_in_a_file("file", cache.cache_dir), Raises(cache.CacheLocationError, "is a file")),
    ("cache-clear-a-file", cache_in_a_file("file", cache.clear), Raises(cache.CacheLocationError, "is a file")),
    ("load-with-cache-a-file", cache_in_a_file("file", lambda: pretrained.load("glove", QUICK)),
     Raises(cache.CacheLocationError, "is a file")),
    ("entry-truncated", damaged("cut", lambda p: p.write_bytes(p.read_bytes()[:40])), rebuilt_and_kept("unreadable")),
    ("entry-empty", damaged("empty", lambda p: p.write_bytes(b"")), rebuilt_and_kept("unreadable")),
    ("entry-text", damaged("text", lambda p: p.write_text("hello")), rebuilt_and_kept("unreadable")),
    ("entry-foreign", damaged("tensor", lambda p: torch.save(torch.ones(2), p)), rebuilt_and_kept("cache format")),
    ("entry-unpicklable", unpicklable,
     Gives(lambda got: got[0]["f"]() == 1 and got[1] == [], "could not store cache entry")),  # no partial file left
    ("entry-damaged-payload", under({"PTLIB_CACHE": "payload"}, restored_after_damage, tiny_glove),
     Gives(lambda glove: glove.vocab.tokens[5:] == ["play", "game"], "could not be restored")),
    ("name-with-space", lambda k: cache.cache_path("a b", CONFIG), Raises(ValueError, "may only hold letters")),
    ("name-None", lambda k: cache.cache_path(None, CONFIG), Raises(ValueError, "may only hold letters")),
    ("config-not-json", lambda k: cache.config_key({"a": object()}), Raises(TypeError, "JSON-serialisable")),
)
ROWS_SETTINGS = rows(
    ("mode-unknown", under({"PTLIB_MODE": "fast"}, lambda k: config.mode()),
     Raises(config.RunModeError, "not a run mode")),
    ("mode-capitals", under({"PTLIB_MODE": " QUICK "}, lambda k: config.mode()), Gives(lambda got: got == "quick")),
    ("mode-empty", under({"PTLIB_MODE": ""}, lambda k: config.mode()), Gives(lambda got: got == "full")),
    ("sizes-unknown-mode", lambda k: config.sizes("fast"), Raises(config.RunModeError, "'fast' is not a run mode")),
    ("unknown-field", lambda k: config.sizes("quick", lm={"epoch": 1}),
     Raises(TypeError, "unknown field(s) ['epoch']")),
    ("unknown-section", lambda k: config.sizes("quick", lmm={}), Raises(TypeError, "unknown configuration section")),
    ("section-not-a-dict", lambda k: config.sizes("quick", lm=5), Raises(TypeError, "lm= takes a dict")),
    ("field-as-text", lambda k: config.sizes("quick", lm={"epochs": "two"}),
     Raises(TypeError, "lm.epochs must be a whole number, got str")),
    ("field-fraction", lambda k: config.sizes("quick", lm={"epochs": 1.5}),
     Raises(TypeError, "must be a whole number")),
    ("field-bool", lambda k: config.sizes("quick", lm={"epochs": True}), Raises(TypeError, "must be a whole number")),
    ("field-negative", lambda k: config.sizes("quick", lm={"epochs": -1}), Raises(ValueError, "lm.epochs must be a")),
    ("field-nan", lambda k: config.sizes("quick", lm={"dropout": NAN}),
     Raises(ValueError, "lm.dropout must be a finite")),
    ("field-numpy", lambda k: config.sizes("quick", lm={"epochs": np.int64(1)}),
     Gives(lambda s: type(s.lm.epochs) is int and pretrained.cache_key("lm:general", s)["lm"]["epochs"] == 1)),
    ("field-int-rate", lambda k: config.sizes("quick", lm={"lr": 1}).lm.lr, Gives(lambda lr: type(lr) is float)),
    ("device-unknown", under({"PTLIB_DEVICE": "gpu"}, lambda k: runtime.device()), Raises(ValueError, "use cpu, cuda")),
    ("device-no-cuda", under({"PTLIB_DEVICE": "cuda"}, lambda k: no_cuda()),
     Raises(RuntimeError, "sees no CUDA device")),
    ("device-no-mps", under({"PTLIB_DEVICE": "mps"}, lambda k: no_mps()), Raises(RuntimeError, "sees no MPS device")),
    ("device-capitals", under({"PTLIB_DEVICE": " CPU "}, lambda k: runtime.device()),
     Gives(lambda got: got == torch.device("cpu"))),
    ("seed-as-text", lambda k: runtime.seed_everything("1"), Raises(TypeError, "a seed is a whole number, got str")),
    ("seed-fraction", lambda k: runtime.seed_everything(1.5), Raises(TypeError, "a seed is a whole number")),
    ("seed-numpy", lambda k: runtime.seed_everything(np.int64(3)).initial_seed(),
     Gives(lambda seed: seed == 3 == torch.initial_seed())),
    ("model-typo", lambda k: pretrained.load("glov"), Raises(pretrained.UnknownModelError, "Did you mean 'glove'")),
    ("model-capitals", lambda k: pretrained.load("LM:general"), Raises(KeyError, "Did you mean 'lm:general'")),
    ("model-in-a-list", lambda k: pretrained.load(["glove"]), Raises(pretrained.UnknownModelError, "['glove']")),
    ("model-None", lambda k: pretrained.load(None), Raises(pretrained.UnknownModelError, "no pre-trained model None")),
    ("sizes-as-mode-name", lambda k: pretrained.load("glove", "quick"), Raises(TypeError, "sizes must be a")),
    ("seed-as-text-for-a-model", lambda k: pretrained.load("glove", QUICK, seed="0"),
     Raises(TypeError, "seed must be a whole number")),
    ("seed-numpy-for-a-model", lambda k: pretrained.cache_key("glove", QUICK, np.int64(2)),
     Gives(lambda key: cache.config_key(key) == cache.config_key(pretrained.cache_key("glove", QUICK, 2)))),
)


def no_cuda() -> torch.device:
    with mock.patch.object(torch.cuda, "is_available", lambda: False):
        return runtime.device()


def no_mps() -> torch.device:
    mps = SimpleNamespace(is_available=lambda: False)
    with mock.patch.object(torch.backends, "mps", mps):
        return runtime.device()


def wrong(says: str) -> Gives:
    """A check's verdict: not right, with ``says`` in the reason."""
    return Gives(lambda got: isinstance(got, Feedback) and not got and says in got.message)


CORPUS = Dataset.from_dict({"text": ["the bank of the river .", "the bank approved it .", "a b ."],
                            "kind": ["polysemy", "polysemy", "filler"], "word": ["bank", "bank", ""],
                            "label": ["river", "money", ""]})
BY_N = pd.DataFrame({"from scratch": [0.5, 0.6, 0.8], "fine-tuned": [0.7, 0.75, 0.85]}, index=[16, 32, 256])
PAIRS = pd.DataFrame({"interveners": [0, 1, 1, 2, 2], "attractors": [0, 1, 0, 1, 0],
                      "LSTM LM": [False, False, True, True, True]})
LAYERS, W = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [3.0, -1.0, 0.0]]), torch.tensor([0.5, -1.0, 2.0])
PROBES = pd.DataFrame({"layer 0": [0.51], "layer 1": [0.6], "layer 2": [0.95]}, index=["subject_number"])
TABLES = {f"biLM layer {i}": pd.DataFrame({"contextual_1nn": s}) for i, s in enumerate([[0.4], [0.8], [0.95]])}
VECTORS = {"play": torch.tensor([1.0, 0.0]), "game": torch.tensor([0.9, 0.1]), "bank": torch.tensor([0.0, 1.0])}
TEXT = "the cat sat on the mat ."


def stlr_returning(value: Any) -> Callable[..., Any]:
    return lambda t, total, cut_frac=0.1, ratio=32: value


ROWS_EXERCISES = rows(
    ("tokens-as-text", lambda k: start_here.check_token_count("15", CORPUS), wrong("should be one number")),
    ("tokens-nan", lambda k: start_here.check_token_count(NAN, CORPUS), wrong("a whole number, got nan")),
    ("tokens-two-numbers", lambda k: start_here.check_token_count(np.array([15, 1]), CORPUS), wrong("one number")),
    ("tokens-bool", lambda k: start_here.check_token_count(True, CORPUS), wrong("got bool True")),
    ("tokens-placeholder", lambda k: start_here.check_token_count(None, CORPUS), wrong("no answer yet")),
    ("senses-one-string", lambda k: start_here.check_senses("river", CORPUS, "bank"),
     wrong("give a set of sense names")),
    ("senses-number", lambda k: start_here.check_senses(5, CORPUS, "bank"), wrong("got int 5")),
    ("senses-nested", lambda k: start_here.check_senses([["river"]], CORPUS, "bank"), wrong("(strings)")),
    ("storage-one-number", lambda k: transfer.check_storage((5500,), 100, 10, 50), wrong("give a pair of numbers")),
    ("storage-as-text", lambda k: transfer.check_storage("5500, 600", 100, 10, 50), wrong("got str '5500, 600'")),
    ("storage-nan", lambda k: transfer.check_storage((NAN, 600), 100, 10, 50), wrong("whole numbers; got (nan, 600)")),
    ("storage-fraction", lambda k: transfer.check_storage((5500.5, 600), 100, 10, 50), wrong("whole numbers")),
    ("frozen-as-text", lambda k: transfer.check_frozen_encoder("model"), wrong("return the classifier itself")),
    ("frozen-other-module", lambda k: transfer.check_frozen_encoder(torch.nn.Linear(2, 2)), wrong("with .encoder")),
    ("labels-as-text", lambda k: transfer.check_labels_needed("256", BY_N),
     wrong("whole number (one of [16, 32, 256])")),
    ("labels-nan", lambda k: transfer.check_labels_needed(NAN, BY_N), wrong("got float nan")),
    ("labels-untried", lambda k: transfer.check_labels_needed(33, BY_N), wrong("not one of the label counts tried")),
    ("examples-as-text", lambda k: language_modelling.check_free_examples("6", TEXT), wrong("as one number")),
    ("examples-nan", lambda k: language_modelling.check_free_examples(NAN, TEXT), wrong("as a whole number")),
    ("examples-list", lambda k: language_modelling.check_free_examples([6], TEXT), wrong("got list [6]")),
    ("attractor-one-number", lambda k: language_modelling.check_attractor_accuracy((0.5,), PAIRS),
     wrong("give a pair of accuracies")),
    ("attractor-as-text", lambda k: language_modelling.check_attractor_accuracy("0.5, 1.0", PAIRS),
     wrong("give a pair of accuracies")),
    ("attractor-nan", lambda k: language_modelling.check_attractor_accuracy((NAN, NAN), PAIRS),
     wrong("nan is the mean of no rows")),
    ("attractor-percent", lambda k: language_modelling.check_attractor_accuracy((50, 100), PAIRS),
     wrong("fractions between 0 and 1")),
    ("stlr-name", lambda k: ulmfit.check_stlr("my_stlr"), wrong("pass the function itself")),
    ("stlr-returns-text", lambda k: ulmfit.check_stlr(stlr_returning("0.5")), wrong("should return one number")),
    ("stlr-returns-nan", lambda k: ulmfit.check_stlr(stlr_returning(NAN)), wrong("must be 1 (the peak); got nan")),
    ("stlr-one-argument", lambda k: ulmfit.check_stlr(lambda t: t), wrong("raised TypeError")),
    ("groups-one-string", lambda k: ulmfit.check_unfrozen_groups("head"), wrong("give a set of group names")),
    ("groups-number", lambda k: ulmfit.check_unfrozen_groups(5), wrong("got int 5")),
    ("groups-unknown", lambda k: ulmfit.check_unfrozen_groups({"top"}), wrong("unknown group name(s) ['top']")),
    ("mix-as-text", lambda k: elmo_checks.check_scalar_mix("vector", LAYERS, W, 0.8), wrong("as numbers")),
    ("mix-wrong-length", lambda k: elmo_checks.check_scalar_mix([1.0, 2.0], LAYERS, W, 0.8), wrong("shape (3,)")),
    ("mix-Nones", lambda k: elmo_checks.check_scalar_mix([None] * 3, LAYERS, W, 0.8), wrong("as numbers")),
    ("mix-nan", lambda k: elmo_checks.check_scalar_mix(torch.full((3,), NAN), LAYERS, W, 0.8), wrong("got [nan")),
    ("subject-layer-name", lambda k: elmo_checks.check_subject_number_layer("layer 2", PROBES),
     wrong("as a number: 0, 1")),
    ("subject-layer-3", lambda k: elmo_checks.check_subject_number_layer(3, PROBES), wrong("got int 3")),
    ("subject-layer-nan", lambda k: elmo_checks.check_subject_number_layer(NAN, PROBES), wrong("got float nan")),
    ("sense-layer-as-text", lambda k: contextual.check_best_sense_layer("x", TABLES), wrong("one of [0, 1, 2]")),
    ("sense-layer-7", lambda k: contextual.check_best_sense_layer(7, TABLES), wrong("got int 7")),
    ("sense-layer-list", lambda k: contextual.check_best_sense_layer([2], TABLES), wrong("got list [2]")),
    ("nearest-number", lambda k: contextual.check_nearest_word(5, VECTORS, "play"), wrong("give the word itself")),
    ("nearest-itself", lambda k: contextual.check_nearest_word("play", VECTORS, "play"), wrong("nearest to itself")),
    ("nearest-unknown", lambda k: contextual.check_nearest_word("zzz", VECTORS, "play"),
     wrong("one of the other words")),
)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    return SimpleNamespace(tmp=tmp_path_factory.mktemp("bad-settings"))


@pytest.mark.parametrize(("call", "expect"), ROWS_CACHE + ROWS_SETTINGS + ROWS_EXERCISES)
def test_bad_setting(call: Callable[[Any], Any], expect: Raises | Gives, kit: SimpleNamespace) -> None:
    run_row(call, expect, kit)


def test_every_exercise_check_has_rows() -> None:
    checks = {name for module in (start_here, transfer, language_modelling, ulmfit, elmo_checks, contextual)
              for name in vars(module) if name.startswith("check_")}
    covered = {name for row in ROWS_EXERCISES for name in checks if name in row.values[0].__code__.co_names}
    assert covered == checks, f"no bad-input rows for {sorted(checks - covered)}"
