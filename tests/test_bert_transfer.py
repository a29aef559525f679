"""Notebook 07's experiment: fine-tuning from the pre-trained encoder or from scratch, and the GLUE-shaped table."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from ptlib import config
from ptlib.data import build_world, load_task
from ptlib.data.vocab import Vocab
from ptlib.data.wordpiece import train_wordpiece
from ptlib.experiments import bert_transfer
from ptlib.models.awd_lstm import AWDLSTMLanguageModel, LMConfig
from ptlib.models.bert import BertConfig, BertForPreTraining

RESULTS = pd.DataFrame({
    "task": ["sentiment"] * 4 + ["paraphrase"] * 4,
    "method": ["from scratch", "from scratch", "BERT, fine-tuned", "BERT, fine-tuned"] * 2,
    "seed": [0, 1] * 4,
    "accuracy": [0.6, 0.7, 0.9, 0.8, 0.5, 0.52, 0.55, 0.61],
    "majority": [0.5] * 4 + [0.51] * 4,
})


def test_the_glue_shaped_table_has_the_majority_row_first_then_mean_and_spread_per_method():
    table = bert_transfer.glue_shaped(RESULTS)
    assert list(table.index) == ["majority class", "from scratch", "BERT, fine-tuned"]
    assert list(table.columns) == ["sentiment", "paraphrase", "Average"]
    assert table.loc["from scratch", "sentiment"] == f"{0.65:.3f} ± {np.std([0.6, 0.7]):.3f}"
    assert table.loc["BERT, fine-tuned", "paraphrase"] == f"{0.58:.3f} ± {np.std([0.55, 0.61]):.3f}"
    assert table.loc["BERT, fine-tuned", "Average"] == f"{(0.85 + 0.58) / 2:.3f}"
    assert table.loc["majority class"].tolist() == ["0.500", "0.510", "0.505"]
    spread = bert_transfer.seed_spread(RESULTS)
    assert spread.loc["sentiment", "gain of BERT, fine-tuned"] == pytest.approx(0.85 - 0.65)
    assert spread.loc["paraphrase", "from scratch range"] == "0.500–0.520"


def test_the_lecture_order_of_rows_is_kept_whatever_order_the_runs_came_in():
    elmo = RESULTS[RESULTS["method"] == "from scratch"].assign(method=bert_transfer.ELMO_METHOD, accuracy=0.75)
    table = bert_transfer.glue_shaped(pd.concat([RESULTS, elmo]))
    assert list(table.index) == ["majority class", "from scratch", bert_transfer.ELMO_METHOD, "BERT, fine-tuned"]
    gains = bert_transfer.seed_spread(pd.concat([elmo, RESULTS]))
    assert gains.loc["paraphrase", f"gain of {bert_transfer.ELMO_METHOD}"] == pytest.approx(0.75 - 0.51)


def test_elmo_rows_use_the_frozen_features_on_the_same_tasks_and_seeds(monkeypatch):
    calls = []
    monkeypatch.setattr(bert_transfer, "elmo_examples", lambda bilm, split: [{"label": y} for y in split["label"]])

    def run(bilm, train, test, **options):
        calls.append(options)
        return {"accuracy": 0.5 + options["seed"] / 10, "seconds": 1.0, "weights": [1.0], "gamma": 1.0}

    monkeypatch.setattr(bert_transfer, "run_elmo_task", run)
    rows = bert_transfer.elmo_results(object(), ["sentiment", "paraphrase"], 16, 2, progress=False)
    assert [(c["task"], c["seed"], c["inputs"]) for c in calls] == [
        ("sentiment", 0, "embedding+elmo"), ("sentiment", 1, "embedding+elmo"),
        ("paraphrase", 0, "embedding+elmo"), ("paraphrase", 1, "embedding+elmo")]
    assert set(rows["method"]) == {bert_transfer.ELMO_METHOD} and "weights" not in rows
    assert rows["majority"].between(0.4, 0.6).all() and rows["accuracy"].tolist() == [0.5, 0.6, 0.5, 0.6]


@pytest.fixture(scope="module")
def tiny():
    texts = [f"the film was {w} and the cast was {v} ." for w in ("good", "bad", "dull", "great")
             for v in ("fine", "poor", "superb")] * 20
    tokenizer = train_wordpiece(texts, vocab_size=200)
    torch.manual_seed(0)
    model = BertForPreTraining(BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden=16, heads=2,
                                          intermediate=32, max_positions=64))
    return model, tokenizer


def test_scratch_runs_ignore_the_pretrained_encoder_and_fine_tuned_runs_start_from_it(tiny, monkeypatch):
    model, tokenizer = tiny
    started_from = []
    original = bert_transfer.classifier_from

    def spy(pretrained, *args, **kwargs):
        started_from.append(pretrained)
        return original(pretrained, *args, **kwargs)

    monkeypatch.setattr(bert_transfer, "classifier_from", spy)
    recipe = dataclasses.replace(config.BertFineTuning(), steps=3, batch_size=8)
    results = bert_transfer.transfer_results(model, tokenizer, ["sentiment", "paraphrase"], 16, 2, recipe,
                                             progress=False)
    assert len(results) == 2 * 2 * 2 and set(results["method"]) == set(bert_transfer.METHODS)
    assert [p is model for p in started_from] == [m == "BERT, fine-tuned" for m in results["method"]]
    assert results["accuracy"].between(0, 1).all() and "F1" in results.columns  # paraphrase has GLUE's F1
    assert results.groupby("task")["majority"].nunique().eq(1).all()


def test_a_run_is_decided_by_its_seed(tiny):
    model, tokenizer = tiny
    data = bert_transfer.encoded_task(tokenizer, "sentiment", 16, 64)
    recipe = dataclasses.replace(config.BertFineTuning(), steps=4, batch_size=8)
    first, again = (bert_transfer.run_bert_task(model, model.config, data, "sentiment", recipe, seed=3)
                    for _ in range(2))
    assert first["accuracy"] == again["accuracy"]


def test_task_knowledge_reads_each_models_answers_to_the_linking_facts(tiny):
    _, tokenizer = tiny  # its 200 pieces split the task's sentences finely: give the model room for them
    model = BertForPreTraining(BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden=16, heads=2,
                                          intermediate=32, max_positions=256))
    world = build_world(0)
    candidates = {relation: world.candidates(relation) for relation in {fact.relation for fact in world.facts}}
    facts = pd.DataFrame([{
        "relation": fact.relation, "entity": fact.entity, "mentions": 3, "candidates": candidates[fact.relation],
        "BERT": True, "BERT answer": fact.value, bert_transfer.LSTM_METHOD: False,
        f"{bert_transfer.LSTM_METHOD} answer": next(v for v in candidates[fact.relation] if v != fact.value),
    } for fact in world.facts])
    vocab = Vocab.build(["the dog is here .", "the dogs are here ."])
    lm = SimpleNamespace(model=AWDLSTMLanguageModel(LMConfig(len(vocab), embedding=8, hidden=8, layers=1)), vocab=vocab)
    knowledge = bert_transfer.task_knowledge(model, tokenizer, lm, facts, 16, world).set_index("reader")
    acceptability = knowledge[knowledge["task"] == "acceptability"]
    assert len(acceptability) == 2 and acceptability["accuracy"].between(0, 1).all()
    knows, wrong = (knowledge.loc[f"{name}: linking-fact cloze"] for name in ("BERT", bert_transfer.LSTM_METHOD))
    assert knows["accuracy"] == 1.0 and knows["knowledge held"] == 1.0 and knows["median mentions"] == 3
    # always a wrong answer: "not entailment" on every true claim, and wrong too where a false claim names that answer
    assert wrong["knowledge held"] == 0.0 and 0.4 < wrong["accuracy"] <= 0.5
    paraphrase = knowledge.loc["BERT: cosine of input vectors"]
    test = load_task("paraphrase", train_size=16)["test"]
    whole = [all(len(tokenizer.encode(word, add_special_tokens=False).ids) == 1 for word in (a, b))
             for a, b in (next((x, y) for x, y in zip(s.split(), t.split()) if x != y)
                          for s, t in zip(test["text"], test["text_pair"]))]
    assert paraphrase["knowledge held"] == pytest.approx(np.mean(whole))
    assert 0 <= paraphrase["accuracy"] <= 1 and set(knowledge["majority"]) == {0.5}
