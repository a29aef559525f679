"""ULMFiT's variants: each starts from the encoder it names, as a copy, and trains the way it says."""

import pytest
import torch

from ptlib import config
from ptlib.experiments import ablations
from ptlib.models.awd_lstm import AWDLSTMLanguageModel, LMConfig

SIZES = config.sizes("quick", ulmfit={"steps_per_stage": 5}, tasks={"classifier_batch_size": 4})


def _lms():
    torch.manual_seed(123)  # not the seed build_classifier uses, so a fresh encoder differs
    cfg = LMConfig(20, embedding=8, hidden=8, layers=1)
    return {"general": AWDLSTMLanguageModel(cfg), "fine-tuned": AWDLSTMLanguageModel(cfg)}


def test_every_variant_starts_from_a_copy_of_its_encoder():
    lms = _lms()
    for choice in ablations.VARIANTS:
        model = ablations.build_classifier(choice, lms, 2, SIZES)
        weight = model.encoder.embedding.weight
        if choice.encoder == "fresh":
            assert not any(torch.equal(weight, lm.encoder.embedding.weight) for lm in lms.values())
        else:
            source = lms[choice.encoder].encoder.embedding.weight
            assert torch.equal(weight, source) and weight.data_ptr() != source.data_ptr()
    assert [v.encoder for v in ablations.VARIANTS].count("fine-tuned") == 4  # one ingredient removed at a time


def test_run_variant_trains_and_leaves_the_language_model_alone():
    lms = _lms()
    before = lms["fine-tuned"].encoder.embedding.weight.clone()
    examples = [([5, 6, 7 + label], label) for label in (0, 1)] * 4
    score, model, histories = ablations.run_variant(ablations.ULMFIT, lms, examples, examples, sizes=SIZES,
                                                    validation=examples)
    assert 0 <= score <= 1 and len(histories) == 3  # embedding, one LSTM layer, head
    assert all("validation_accuracy" in h.evaluations[-1] for h in histories)
    assert torch.equal(lms["fine-tuned"].encoder.embedding.weight, before)
    assert not torch.equal(model.encoder.embedding.weight, before)


def test_run_variant_hands_each_variants_switches_to_the_classifier_recipe(monkeypatch):
    calls = []
    monkeypatch.setattr(ablations, "train_ulmfit_classifier", lambda model, train, **kw: calls.append(kw) or [])
    examples = [([5, 6, 7 + label], label) for label in (0, 1)] * 4
    for choice in ablations.VARIANTS:
        ablations.run_variant(choice, _lms(), examples, examples, sizes=SIZES)
    switches = [(kw["gradual"], kw["discriminative"], kw["slanted"]) for kw in calls]
    assert switches == [(v.gradual, v.discriminative, v.slanted) for v in ablations.VARIANTS]
    assert len(set(switches)) == 4  # the full recipe and one technique switched off at a time
    assert all(kw["steps_per_stage"] == 5 and kw["batch_size"] == 4 for kw in calls)


def test_unknown_names_are_refused_with_the_choices():
    with pytest.raises(KeyError, match="from scratch"):
        ablations.variant("ULMFiT without anything")
    with pytest.raises(ValueError, match="fresh, general, fine-tuned"):
        ablations.build_classifier(ablations.Variant("odd", "wikipedia"), _lms(), 2, SIZES)


def test_run_variant_scores_the_classifier_on_the_test_examples(monkeypatch):
    monkeypatch.setattr(ablations, "train_ulmfit_classifier", lambda model, train, **kw: [])
    texts = [[5, 6, 7], [8, 9], [10, 11, 12, 13], [14], [15, 16]]
    lms = _lms()
    model = ablations.build_classifier(ablations.ULMFIT, lms, 2, SIZES).eval()
    with torch.no_grad():  # the untrained classifier's answers, one text at a time
        predicted = [int(model(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.bool)).argmax())
                     for ids in texts]
    test = list(zip(texts, predicted))
    train = [(ids, 1 - label) for ids, label in test]  # the opposite labels: scored on these, it would get 0
    score, _, _ = ablations.run_variant(ablations.ULMFIT, lms, train, test, sizes=SIZES)
    assert score == 1.0
