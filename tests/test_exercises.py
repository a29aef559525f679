"""Exercise checks: right answers pass, and typical wrong answers get the explanation meant for them."""

import ast
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from datasets import Dataset

from ptlib.exercises import (
    Feedback,
    bert_inputs,
    bert_transfer,
    contextual,
    elmo_checks,
    language_modelling,
    start_here,
    transfer,
    ulmfit,
)
from ptlib.models.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.models.bert import BertConfig, EncoderLayer
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


def test_subject_number_layer_exercise():
    probes = pd.DataFrame({"layer 0": [0.51], "layer 1": [0.55], "layer 2": [0.97]}, index=["subject_number"])
    assert elmo_checks.check_subject_number_layer(2, probes)
    assert "'subject_number' row" in elmo_checks.check_subject_number_layer(0, probes).message
    assert "as a number" in elmo_checks.check_subject_number_layer("2", probes).message


# --- every check, every form -------------------------------------------------------------------------------------
# Each check gets its right answer in every form a student may compute it in (a Python number, a numpy scalar from
# a pandas sum, a 0-d array, a tensor, ...): all must pass. The right answers are computed here from the data, not
# with the checks' own helpers. Then the stub (no answer) and a typical wrong answer, whose message must say what
# was expected against what was got.

TEXTS = CORPUS["text"]
N_TOKENS = len(" ".join(TEXTS).split())  # 15
FRAME = CORPUS.to_pandas()
BANK_SENSES = FRAME.loc[(FRAME["kind"] == "polysemy") & (FRAME["word"] == "bank"), "label"]
BY_N = pd.DataFrame({"from scratch": [0.5, 0.6, 0.8], "fine-tuned": [0.7, 0.75, 0.85]}, index=[16, 32, 256])
PAIRS = pd.DataFrame({"interveners": [0, 1, 1, 2, 2, 1], "attractors": [0, 1, 0, 1, 0, 1],
                      "LSTM LM": [False, False, True, True, True, True]})
TABLES = {f"biLM layer {i}": pd.DataFrame({"contextual_1nn": scores})
          for i, scores in enumerate([[0.4, 0.5], [0.8, 0.9], [0.95, 0.97]])}
PROBES = pd.DataFrame({"layer 0": [0.99, 0.51], "layer 1": [0.9, 0.6], "layer 2": [0.8, 0.95]},
                      index=["number", "subject_number"])
TOY = {"bank": torch.tensor([1.0, 2.0, 0.0]), "river": torch.tensor([2.0, 4.2, 0.5]),
       "money": torch.tensor([4.0, 4.0, 6.0]), "shore": torch.tensor([0.5, 1.5, -1.0])}
LAYERS = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [3.0, -1.0, 0.0]])
W, GAMMA = torch.tensor([0.5, -1.0, 2.0]), 0.8


def _elmo_vector() -> np.ndarray:
    weights = np.exp(W.numpy().astype(float)) / np.exp(W.numpy().astype(float)).sum()
    return GAMMA * sum(weight * row for weight, row in zip(weights, LAYERS.numpy().astype(float)))


def _cosine_nearest(query: str) -> str:
    def cosine(word: str) -> float:
        a, b = TOY[query].numpy(), TOY[word].numpy()
        return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    return max((word for word in TOY if word != query), key=cosine)


def _attractor_pair() -> tuple[float, float]:
    hard = PAIRS["interveners"].to_numpy() > 0
    attracted, correct = PAIRS["attractors"].to_numpy() > 0, PAIRS["LSTM LM"].to_numpy()
    return correct[hard & attracted].mean(), correct[hard & ~attracted].mean()


def _frozen_model() -> torch.nn.Module:
    model = LSTMClassifier(AWDLSTMEncoder(LMConfig(20, 4, 4, 1)), 2)
    for p in model.encoder.parameters():
        p.requires_grad = False
    return model


def number_forms(x: int) -> list:
    """A whole number as a student may compute it: Python, numpy, pandas, torch."""
    return [int(x), float(x), np.int64(x), np.int32(x), np.float64(x), np.float32(x), np.array(x), np.array([x]),
            torch.tensor(x), torch.tensor(float(x)), torch.tensor([x]), pd.Series([x]).sum(), pd.Series([float(x)])]


def pair_forms(a, b) -> list:
    return [(a, b), [a, b], (np.float64(a), np.float64(b)), (np.float32(a), np.float32(b)), np.array([a, b]),
            torch.tensor([a, b], dtype=torch.float64), torch.tensor([float(a), float(b)]),
            (torch.tensor(a), torch.tensor(b)), pd.Series([a, b])]


def vector_forms(v: np.ndarray) -> list:
    return [v, v.astype(np.float32), v.tolist(), tuple(v.tolist()), torch.tensor(v),
            torch.tensor(v, dtype=torch.float32), torch.tensor(v, dtype=torch.float32, requires_grad=True),
            [torch.tensor(x) for x in v], pd.Series(v)]


def stlr_forms(f) -> list:
    return [f, lambda t, T, c=0.1, r=32: np.float64(f(t, T, c, r)), lambda t, T, c=0.1, r=32: np.float32(f(t, T, c, r)),
            lambda t, T, c=0.1, r=32: torch.tensor(f(t, T, c, r)), lambda t, T, c=0.1, r=32: np.array(f(t, T, c, r))]


def string_set_forms(names) -> list:
    names = list(names)
    return [set(names), frozenset(names), names, tuple(names), np.array(names), pd.Series(names)]


def _too_high_stlr(t, total, cut_frac=0.1, ratio=32):
    return student_stlr(t, total, cut_frac, ratio) * 1.01


def _corruption(token, u, random_word):
    """The 80/10/10 rule as the paper states it (Devlin et al., 2019, section 3.1)."""
    return 4 if u < 0.8 else random_word if u < 0.9 else token  # 4 = [MASK]


def corruption_forms(f) -> list:
    return [f, lambda t, u, r: np.int64(f(t, u, r)), lambda t, u, r: torch.tensor(f(t, u, r)),
            lambda t, u, r: float(f(t, u, r))]


PAIR_TOKENS = ["[CLS]", "the", "cat", "sat", "[SEP]", "it", "purr", "##ed", "[SEP]"]
PAIR_SEGMENTS = [0, 0, 0, 0, 0, 1, 1, 1, 1]
BASE_LAYER = sum(p.numel() for p in EncoderLayer(BertConfig(vocab_size=8, hidden=768, heads=12,
                                                            intermediate=3072)).parameters())
TRANSFER = pd.DataFrame({"task": ["sentiment"] * 4 + ["paraphrase"] * 4,
                         "method": ["from scratch", "from scratch", "BERT, fine-tuned", "BERT, fine-tuned"] * 2,
                         "accuracy": [0.6, 0.7, 0.75, 0.65, 0.5, 0.5, 0.56, 0.54]})  # gains +0.05, +0.05 -> +0.05
TRANSFER.loc[6, "accuracy"] = 0.58  # paraphrase gains 0.06, sentiment 0.05
BEST_TASK = max(["sentiment", "paraphrase"], key=lambda task: (
    TRANSFER.query("task == @task and method == 'BERT, fine-tuned'")["accuracy"].mean()
    - TRANSFER.query("task == @task and method == 'from scratch'")["accuracy"].mean()))
KNOWLEDGE = pd.DataFrame({"task": ["paraphrase", "paraphrase", "sentiment"], "accuracy": [0.70, 0.52, 0.60]})
UNFOUND_TASK = "paraphrase"  # its best reader 0.70 against a fine-tuned mean of 0.56; sentiment 0.60 against 0.70
STORAGE = (50 * (100 + 10), 100 + 50 * 10)
LABELS_NEEDED = int(BY_N.index[BY_N["from scratch"] >= BY_N.loc[32, "fine-tuned"]].min())  # 256
BEST_SENSE_LAYER = int(np.argmax([TABLES[f"biLM layer {i}"]["contextual_1nn"].to_numpy().mean() for i in range(3)]))
SUBJECT_NUMBER_LAYER = int(np.argmax(PROBES.loc["subject_number"].to_numpy()))  # 2
ATTRACTOR = _attractor_pair()  # (2/3, 1.0): 2/3 tells a float32 mean apart from a float64 one

# name: (call, right answers in every form, the stub's placeholder, a wrong answer, what its message must say)
CHECKS = {
    "check_token_count": (lambda a: start_here.check_token_count(a, CORPUS),
                          number_forms(N_TOKENS) + [FRAME["text"].str.split().str.len().sum()],
                          None, N_TOKENS + 2, [f"{N_TOKENS + 2}", "off by +2"]),
    "check_senses": (lambda a: start_here.check_senses(a, CORPUS, "bank"),
                     string_set_forms(BANK_SENSES) + [CORPUS.filter(lambda r: r["kind"] == "polysemy")["label"]],
                     None, {"river"}, ["1 sense(s) missing from your ['river']"]),
    "check_storage": (lambda a: transfer.check_storage(a, 100, 10, 50), pair_forms(*STORAGE),
                      None, (5000, 600), ["standard: got 5,000", "50 times"]),
    "check_frozen_encoder": (transfer.check_frozen_encoder, [_frozen_model()],
                             None, LSTMClassifier(AWDLSTMEncoder(LMConfig(20, 4, 4, 1)), 2), ["still train"]),
    "check_labels_needed": (lambda a: transfer.check_labels_needed(a, BY_N), number_forms(LABELS_NEEDED),
                            ..., 32, ["n = 32", "0.600", "below 0.750"]),
    "check_free_examples": (lambda a: language_modelling.check_free_examples(a, "a b c d e f g"), number_forms(6),
                            None, 5, ["got 5", "count the tokens (7)"]),
    "check_attractor_accuracy": (lambda a: language_modelling.check_attractor_accuracy(a, PAIRS),
                                 pair_forms(*ATTRACTOR), None, (0.2, 0.3), ["got (0.200, 0.300)"]),
    "check_stlr": (ulmfit.check_stlr, stlr_forms(student_stlr), None, _too_high_stlr, ["must be 1", "got 1.0100"]),
    "check_unfrozen_groups": (ulmfit.check_unfrozen_groups,
                              string_set_forms(["lstm", "head"]) + [["Head", "LSTM"], {" lstm ", "head"}],
                              None, {"embedding", "lstm", "head"}, ["got ['embedding', 'head', 'lstm']"]),
    "check_best_sense_layer": (lambda a: contextual.check_best_sense_layer(a, TABLES),
                               number_forms(BEST_SENSE_LAYER) + [str(BEST_SENSE_LAYER)], None, 1,
                               ["got layer 1", "layer 2: 0.960"]),
    "check_nearest_word": (lambda a: contextual.check_nearest_word(a, TOY, "bank"),
                           [_cosine_nearest("bank"), np.str_(_cosine_nearest("bank")),
                            np.array([_cosine_nearest("bank")])[0]],
                           None, "money", ["'money'", "dot product"]),
    "check_scalar_mix": (lambda a: elmo_checks.check_scalar_mix(a, LAYERS, W, GAMMA), vector_forms(_elmo_vector()),
                         None, _elmo_vector() + 1, ["got [", "softmax"]),
    "check_subject_number_layer": (lambda a: elmo_checks.check_subject_number_layer(a, PROBES),
                                   number_forms(SUBJECT_NUMBER_LAYER), None, 0, ["got layer 0", "layer 2: 0.950"]),
    "check_corruption": (bert_inputs.check_corruption, corruption_forms(_corruption), None,
                         lambda t, u, r: 4 if u < 0.8 else t if u < 0.9 else r,
                         ["for u = 0.8", "should read 7 (the random word), got 42 (the token itself)"]),
    "check_segment_ids": (lambda a: bert_inputs.check_segment_ids(a, PAIR_TOKENS),
                          [PAIR_SEGMENTS, tuple(PAIR_SEGMENTS), np.array(PAIR_SEGMENTS), torch.tensor(PAIR_SEGMENTS),
                           pd.Series(PAIR_SEGMENTS), [float(x) for x in PAIR_SEGMENTS]],
                          None, [0, 0, 0, 0, 1, 1, 1, 1, 1], ["position 4 ('[SEP]'): expected 0, got 1"]),
    "check_layer_parameters": (lambda a: bert_inputs.check_layer_parameters(a, 768, 3072), number_forms(BASE_LAYER),
                               None, 4 * 768 * 768 + 2 * 768 * 3072, ["got 7,077,888", "weight matrices only"]),
    "check_best_task": (lambda a: bert_transfer.check_best_task(a, TRANSFER),
                        [BEST_TASK, np.str_(BEST_TASK), np.array([BEST_TASK]), f" {BEST_TASK} "], None, "sentiment",
                        ["got 'sentiment' (gain +0.050)", "paraphrase +0.060"]),
    "check_unfound_task": (lambda a: bert_transfer.check_unfound_task(a, KNOWLEDGE, TRANSFER),
                           [UNFOUND_TASK, np.str_(UNFOUND_TASK), np.array([UNFOUND_TASK])], None, "sentiment",
                           ["got 'sentiment' (margin -0.100)", "paraphrase +0.140"]),
}


def test_the_table_covers_every_check():
    modules = [start_here, transfer, language_modelling, ulmfit, contextual, elmo_checks, bert_inputs, bert_transfer]
    found = {name for module in modules for name in vars(module) if name.startswith("check_")}
    assert found == set(CHECKS)


@pytest.mark.parametrize("name", CHECKS)
def test_every_form_of_the_right_answer_passes(name):
    call, forms, _, _, _ = CHECKS[name]
    failures = [f"{type(form).__name__} {form!r}: {call(form)}" for form in forms if not call(form)]
    assert failures == []


@pytest.mark.parametrize("name", CHECKS)
def test_the_stub_fails_and_says_what_is_missing(name):
    call, _, placeholder, _, _ = CHECKS[name]
    for stub in {id(p): p for p in (placeholder, ..., NotImplemented)}.values():
        feedback = call(stub)
        assert isinstance(feedback, Feedback) and not feedback
        assert "no answer yet" in feedback.message and "replace the placeholder" in feedback.message


@pytest.mark.parametrize("name", CHECKS)
def test_a_wrong_answer_says_expected_against_got(name):
    call, _, _, wrong, says = CHECKS[name]
    feedback = call(wrong)
    assert not feedback
    for piece in says:
        assert piece in feedback.message


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [
        ("check_token_count", "15", "got str '15'"),
        ("check_token_count", 15.5, "whole number, got 15.5"),
        ("check_token_count", np.array([15, 15]), "one number"),
        ("check_token_count", True, "got bool True"),
        ("check_subject_number_layer", torch.tensor(True), "as a number: 0, 1 or 2"),
        ("check_subject_number_layer", np.int64(3), "got int64 np.int64(3)"),
        ("check_best_sense_layer", 1.5, "got float 1.5"),
        ("check_storage", (5500, 600, 1), "give a pair of numbers"),
        ("check_storage", (5500.5, 600), "whole numbers; got (5500.5, 600)"),
        ("check_labels_needed", 100, "not one of the label counts tried ([16, 32, 256])"),
        ("check_labels_needed", "256", "got str '256'"),
        ("check_attractor_accuracy", "0.5, 1.0", "give a pair of accuracies"),
        ("check_attractor_accuracy", (200 / 3, 100.0), "not percentages"),
        ("check_attractor_accuracy", (ATTRACTOR[0], 0.5),
         "without an attractor (the second) is off"),
        ("check_free_examples", [2], "got list [2]"),
        ("check_scalar_mix", "1 2 3", "got str"),
        ("check_scalar_mix", np.ones((3, 3)), "shape (3,); got (3, 3)"),
        ("check_nearest_word", torch.tensor([2.0, 4.2, 0.5]), "the word itself"),
        ("check_stlr", lambda t, T, c, r: [1.0], "should return one number; got list [1.0]"),
        ("check_stlr", lambda t, T, c, r: 1 / (t - 5), "my_stlr(5, 200, 0.1, 32) raised"),
        ("check_senses", {"river": 1}, "give a set of sense names"),
        ("check_corruption", 4, "pass the function itself"),
        ("check_corruption", lambda t, u, r: "[MASK]", "got str '[MASK]'"),
        ("check_corruption", lambda t, u: 4, "raised TypeError"),
        ("check_segment_ids", [0, 1], "got 2 ids for 9 tokens"),
        ("check_segment_ids", "0 0 1", "one number per token"),
        ("check_layer_parameters", 7087872.5, "one whole number"),
        ("check_best_task", 3, "give the task's name"),
        ("check_best_task", "glue", "no task 'glue'"),
    ],
)
def test_an_answer_of_the_wrong_kind_says_what_was_expected_and_got(name, answer, says):
    feedback = CHECKS[name][0](answer)
    assert not feedback
    assert says in feedback.message


# --- the notebooks' own exercise cells -----------------------------------------------------------------------------
# Each exercise cell (its solution between ### BEGIN/END SOLUTION, then the check) runs here on small stand-ins for
# the notebook's data: the solution as written must pass its check, and the student copy of the cell must stop at
# its placeholder (so the check never sees a half-made answer).

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the tools are scripts, not a package
import student_copies  # noqa: E402


def _stand_ins() -> dict:
    """The names the exercise cells take from earlier cells of their notebook, on toy data."""

    def new_classifier(seed: int) -> LSTMClassifier:
        torch.manual_seed(seed)
        return LSTMClassifier(AWDLSTMEncoder(LMConfig(20, 4, 4, 1)), 2)

    return {"small": CORPUS, "corpus": {"train": CORPUS}, "encoder_parameters": 100, "head_parameters": 10,
            "n_tasks": 50, "new_classifier": new_classifier, "by_n": BY_N, "pairs": PAIRS, "torch": torch,
            "probes": PROBES, "tables": TABLES, "results": TRANSFER, "knowledge": KNOWLEDGE}


def _exercise_cells(path: Path) -> list[tuple[int, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = [(i + 1, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    return [(number, source) for number, source in sources if student_copies.CODE_BEGIN in source]


def _run_cell(source: str, namespace: dict) -> object:
    """Run ``source`` in ``namespace`` like a notebook cell: the value of its last line comes back."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<exercise cell>", "exec"), namespace)
    return None if last is None else eval(compile(ast.Expression(last.value), "<exercise cell>", "eval"), namespace)


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if _exercise_cells(p)], ids=lambda p: p.stem)
def test_each_notebook_solution_passes_its_check_and_its_student_copy_stops_at_the_stub(path):
    namespace = _stand_ins()
    for number, source in _exercise_cells(path):
        where = f"{path.name}, cell {number}"
        try:
            feedback = _run_cell(source, namespace)
        except NameError as error:
            pytest.fail(f"{where}: {error}; add a stand-in for it to _stand_ins() in {Path(__file__).name}")
        assert isinstance(feedback, Feedback), f"{where}: the cell should end with its check, got {feedback!r}"
        assert feedback, f"{where}: the solution fails its own check: {feedback}"
        stub = student_copies.strip_code_solution(source, where)
        with pytest.raises(NotImplementedError, match="your answer here"):
            _run_cell(stub, dict(namespace))
