"""Classifier pieces: concat pooling ignores padding, freezing freezes, a separable task is learnt."""

import pytest
import torch
from datasets import Dataset

from ptlib import classifier as clf
from ptlib.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.vocab import Vocab

TEXTS = [f"the film was {w} ." for w in ("good", "fine", "bad", "awful")] * 20
LABELS = [1, 1, 0, 0] * 20


def test_concat_pooling_ignores_padding():
    outputs = torch.randn(2, 5, 3)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    poisoned = outputs.clone()
    poisoned[0, 3:] = 1e6  # whatever sits at padded positions must not matter
    pooled = clf.ConcatPooling()(poisoned, mask)
    real = outputs[0, :3]
    assert torch.allclose(pooled[0], torch.cat([real[-1], real.max(0).values, real.mean(0)]))
    assert torch.allclose(pooled[1], clf.ConcatPooling()(outputs[1:], mask[1:])[0])
    with pytest.raises(ValueError, match="no tokens"):
        clf.ConcatPooling()(outputs, torch.zeros(2, 5, dtype=torch.bool))


def test_pair_tasks_read_as_one_sequence():
    pairs = Dataset.from_dict({"text": ["a b"], "text_pair": ["c"], "label": [0]})
    assert clf.task_texts(pairs) == ["a b [SEP] c"]
    vocab = Vocab.build(["a b c"])
    assert clf.encode(pairs, vocab)[0][0][2] == vocab.token_to_id("[SEP]") == 3


def _model(vocab):
    torch.manual_seed(0)
    return clf.LSTMClassifier(AWDLSTMEncoder(LMConfig(len(vocab), embedding=8, hidden=8, layers=1)), 2)


def test_a_separable_task_is_learnt_and_freezing_keeps_the_encoder():
    vocab = Vocab.build(TEXTS)
    examples = list(zip([vocab.encode(t) for t in TEXTS], LABELS))
    model = _model(vocab)
    clf.train_classifier(model, examples, epochs=15, lr=1e-2, device=torch.device("cpu"))
    assert clf.accuracy(model, examples) == 1.0

    frozen = _model(vocab)
    frozen.freeze_encoder()
    before = {k: v.clone() for k, v in frozen.encoder.state_dict().items()}
    head_before = frozen.head[-1].weight.clone()
    clf.train_classifier(frozen, examples, epochs=2, device=torch.device("cpu"))
    assert all(torch.equal(before[k], v) for k, v in frozen.encoder.state_dict().items())
    assert not torch.equal(head_before, frozen.head[-1].weight)


def test_probe_on_pooled_features():
    vocab = Vocab.build(TEXTS)
    examples = list(zip([vocab.encode(t) for t in TEXTS], LABELS))
    features = clf.pooled_features(_model(vocab).encoder, examples)
    assert features.shape == (len(TEXTS), 24)
    probe = clf.train_probe(features, torch.tensor(LABELS))
    assert (probe(features).argmax(-1) == torch.tensor(LABELS)).float().mean() == 1.0
    assert clf.probe_accuracy(_model(vocab).encoder, examples, examples) == 1.0
    with pytest.raises(ValueError, match="one label per feature row"):
        clf.train_probe(features, torch.tensor(LABELS[:3]))


def test_no_examples_is_a_clear_error():
    with pytest.raises(ValueError, match="no examples"):
        clf.batches([], 4)
