"""Exercise checks: right answers pass, and typical wrong answers get the explanation meant for them."""

import math

import pandas as pd
import torch
from datasets import Dataset

from ptlib.exercises import Feedback, contextual, elmo_checks, language_modelling, start_here, transfer, ulmfit
from ptlib.models.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.models.classifier import LSTMClassifier

CORPUS = Dataset.from_dict({
    "text": ["the bank of the river .", "the bank approved it .", "a b c ."],
    "kind": ["polysemy", "polysemy", "filler"], "word": ["bank", "bank", ""], "label": ["river", "money", ""],
})


def test_feedback_reads_well_everywhere():
    good, bad = Feedback(True, "fine"), Feedback(False, "why")
    assert good and not bad
    assert str(good).startswith("✓") and str(bad).startswith("✗")
    assert "why" in bad._repr_html_()


def test_token_count():
    assert start_here.check_token_count(15, CORPUS)
    assert "sentences" in start_here.check_token_count(3, CORPUS).message
    assert "characters" in start_here.check_token_count(sum(len(t) for t in CORPUS["text"]), CORPUS).message
    assert "no answer" in start_here.check_token_count(None, CORPUS).message
    assert not start_here.check_token_count("14", CORPUS)


def test_senses():
    assert start_here.check_senses({"river", "money"}, CORPUS, "bank")
    assert "missing" in start_here.check_senses({"river"}, CORPUS, "bank").message
    assert "not senses" in start_here.check_senses({"river", "money", "game"}, CORPUS, "bank").message
    assert not start_here.check_senses("river", CORPUS, "bank")


def test_storage():
    assert transfer.check_storage((50 * 110, 100 + 50 * 10), 100, 10, 50)
    assert "swapped" in transfer.check_storage((100 + 50 * 10, 50 * 110), 100, 10, 50).message
    assert not transfer.check_storage((50 * 100, 600), 100, 10, 50)


def test_frozen_encoder():
    model = LSTMClassifier(AWDLSTMEncoder(LMConfig(20, 4, 4, 1)), 2)
    assert "still train" in transfer.check_frozen_encoder(model).message
    for p in model.encoder.parameters():
        p.requires_grad = False
    assert transfer.check_frozen_encoder(model)
    for p in model.head.parameters():
        p.requires_grad = False
    assert "head is frozen" in transfer.check_frozen_encoder(model).message
    assert not transfer.check_frozen_encoder(torch.nn.Linear(2, 2))


def test_labels_needed():
    by_n = pd.DataFrame({"from scratch": [0.5, 0.6, 0.8], "fine-tuned": [0.7, 0.75, 0.85]}, index=[16, 32, 256])
    assert transfer.check_labels_needed(256, by_n)
    assert not transfer.check_labels_needed(32, by_n)
    assert "does reach" in transfer.check_labels_needed(None, by_n).message
    never = by_n.assign(**{"from scratch": [0.5, 0.5, 0.5]})
    assert transfer.check_labels_needed(None, never)


def test_free_examples():
    assert language_modelling.check_free_examples(6, "a b c d e f g")
    assert "start symbol" in language_modelling.check_free_examples(7, "a b c d e f g").message


def test_attractor_accuracy():
    pairs = pd.DataFrame({"interveners": [0, 1, 1, 2, 2], "attractors": [0, 1, 0, 1, 0],
                          "LSTM LM": [False, False, True, True, True]})
    assert language_modelling.check_attractor_accuracy((0.5, 1.0), pairs)
    assert "swapped" in language_modelling.check_attractor_accuracy((1.0, 0.5), pairs).message
    assert not language_modelling.check_attractor_accuracy((0.2, 0.3), pairs)
    assert "interveners > 0" in language_modelling.check_attractor_accuracy((0.5, 2 / 3), pairs).message


def student_stlr(t, total, cut_frac=0.1, ratio=32):
    """A student's answer, written from equation 3 of the paper (not from ptlib)."""
    cut = math.floor(total * cut_frac)
    p = t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))
    return (1 + p * (ratio - 1)) / ratio


def test_stlr_exercise():
    assert ulmfit.check_stlr(student_stlr)
    assert not ulmfit.check_stlr(lambda t, total, c=0.1, r=32: student_stlr(t, total, c, r) * 1.01)
    assert "no answer" in ulmfit.check_stlr(None).message
    assert "function" in ulmfit.check_stlr(0.5).message

    def no_ratio(t, total, cut_frac=0.1, ratio=32):
        cut = int(total * cut_frac)
        return t / cut if t < cut else 1 - (t - cut) / (cut * (1 / cut_frac - 1))

    assert "peak/ratio" in ulmfit.check_stlr(no_ratio).message
    assert "raised ZeroDivisionError" in ulmfit.check_stlr(lambda t, total, c, r: 1 / 0).message
    assert "back at 1/ratio" in ulmfit.check_stlr(lambda t, total, c=0.1, r=32: max(student_stlr(t, total), 0.5)
                                                  if t > 20 else student_stlr(t, total)).message


def test_unfreezing_exercise():
    assert ulmfit.check_unfrozen_groups({"lstm", "head"})
    assert ulmfit.check_unfrozen_groups(["Head", "LSTM"])
    assert "top-down" in ulmfit.check_unfrozen_groups({"embedding", "lstm"}).message
    assert "first stage" in ulmfit.check_unfrozen_groups({"head"}).message
    assert "unknown" in ulmfit.check_unfrozen_groups({"decoder"}).message
    assert "set of group names" in ulmfit.check_unfrozen_groups("head").message
    assert not ulmfit.check_unfrozen_groups({"embedding", "lstm", "head"})


def test_best_sense_layer_exercise():
    tables = {f"biLM layer {i}": pd.DataFrame({"contextual_1nn": scores})
              for i, scores in enumerate([[0.4, 0.5], [0.8, 0.9], [0.95, 0.97]])}
    assert contextual.check_best_sense_layer(2, tables)
    assert contextual.check_best_sense_layer("2", tables)
    assert "same vector for every use" in contextual.check_best_sense_layer(0, tables).message
    assert "compare the means" in contextual.check_best_sense_layer(1, tables).message
    assert "as a number" in contextual.check_best_sense_layer(3, tables).message
    assert "as a number" in contextual.check_best_sense_layer(True, tables).message


def test_nearest_word_exercise():
    toy = {"bank": torch.tensor([1.0, 2.0, 0.0]), "river": torch.tensor([2.0, 4.2, 0.5]),
           "money": torch.tensor([4.0, 4.0, 6.0]), "shore": torch.tensor([0.5, 1.5, -1.0])}
    assert contextual.check_nearest_word("river", toy, "bank")
    assert "dot product" in contextual.check_nearest_word("money", toy, "bank").message
    assert "Euclidean" in contextual.check_nearest_word("shore", toy, "bank").message
    assert "nearest to itself" in contextual.check_nearest_word("bank", toy, "bank").message
    assert "one of the other words" in contextual.check_nearest_word("cash", toy, "bank").message


def test_scalar_mix_exercise():
    layers = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [3.0, -1.0, 0.0]])
    w, gamma = torch.tensor([0.5, -1.0, 2.0]), 0.8
    right = gamma * (torch.softmax(w, 0)[:, None] * layers).sum(0)
    assert elmo_checks.check_scalar_mix(right, layers, w, gamma)
    assert "softmax to w first" in elmo_checks.check_scalar_mix(gamma * (w[:, None] * layers).sum(0), layers, w,
                                                                gamma).message
    assert "multiply by gamma" in elmo_checks.check_scalar_mix(right / gamma, layers, w, gamma).message
    assert "shape" in elmo_checks.check_scalar_mix(right.sum(), layers, w, gamma).message


def test_morphology_layer_exercise():
    probes = pd.DataFrame({"layer 0": [0.99], "layer 1": [0.9], "layer 2": [0.8]}, index=["number"])
    assert elmo_checks.check_morphology_layer(0, probes)
    assert "'number' row" in elmo_checks.check_morphology_layer(2, probes).message
    assert "as a number" in elmo_checks.check_morphology_layer("0", probes).message
