"""Classifier pieces: concat pooling ignores padding, freezing freezes, rates reach their groups, a separable task is
learnt, the linear probe standardises its features."""

import pytest
import torch
from datasets import Dataset

from ptlib.analysis.probes import pooled_features, probe_accuracy
from ptlib.data.batching import encode_task, labelled_batches, task_texts
from ptlib.data.vocab import Vocab
from ptlib.models.awd_lstm import AWDLSTMEncoder, LMConfig
from ptlib.models.classifier import LinearProbe, LSTMClassifier
from ptlib.models.pooling import ConcatPooling, masked_pool
from ptlib.train import classifier as clf
from ptlib.train.ulmfit import train_ulmfit_classifier

TEXTS = [f"the film was {w} ." for w in ("good", "fine", "bad", "awful")] * 20
LABELS = [1, 1, 0, 0] * 20


def test_concat_pooling_ignores_padding():
    outputs = torch.randn(2, 5, 3)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    poisoned = outputs.clone()
    poisoned[0, 3:] = 1e6  # whatever sits at padded positions must not matter
    pooled = ConcatPooling()(poisoned, mask)
    real = outputs[0, :3]
    assert torch.allclose(pooled[0], torch.cat([real[-1], real.max(0).values, real.mean(0)]))
    assert torch.allclose(pooled[1], ConcatPooling()(outputs[1:], mask[1:])[0])
    with pytest.raises(ValueError, match="no tokens"):
        ConcatPooling()(outputs, torch.zeros(2, 5, dtype=torch.bool))


def test_pair_tasks_read_as_one_sequence():
    pairs = Dataset.from_dict({"text": ["a b"], "text_pair": ["c"], "label": [0]})
    assert task_texts(pairs) == ["a b [SEP] c"]
    vocab = Vocab.build(["a b c"])
    assert encode_task(pairs, vocab)[0][0][2] == vocab.token_to_id("[SEP]") == 3


def _model(vocab):
    torch.manual_seed(0)
    return LSTMClassifier(AWDLSTMEncoder(LMConfig(len(vocab), embedding=8, hidden=8, layers=1)), 2)


def test_a_separable_task_is_learnt_and_freezing_keeps_the_encoder():
    vocab = Vocab.build(TEXTS)
    examples = list(zip([vocab.encode(t) for t in TEXTS], LABELS))
    model = _model(vocab)
    clf.train_classifier(model, examples, epochs=15, lr=1e-2, device=torch.device("cpu"))
    assert clf.accuracy(model, examples) == 1.0

    frozen = _model(vocab)
    for parameter in frozen.encoder.parameters():
        parameter.requires_grad = False
    before = {k: v.clone() for k, v in frozen.encoder.state_dict().items()}
    head_before = frozen.head[-1].weight.clone()
    clf.train_classifier(frozen, examples, epochs=2, device=torch.device("cpu"))
    assert all(torch.equal(before[k], v) for k, v in frozen.encoder.state_dict().items())
    assert not torch.equal(head_before, frozen.head[-1].weight)


def test_the_encoder_learns_at_encoder_lr_and_the_head_at_lr():
    vocab = Vocab.build(TEXTS)
    examples = list(zip([vocab.encode(t) for t in TEXTS], LABELS))
    moved = {}
    for encoder_lr in (0.0, 1e-2):
        model = _model(vocab)
        encoder_before = model.encoder.embedding.weight.clone()
        head_before = model.head[-1].weight.clone()
        clf.train_classifier(model, examples, epochs=1, lr=1e-2, encoder_lr=encoder_lr, device=torch.device("cpu"))
        moved[encoder_lr] = not torch.equal(encoder_before, model.encoder.embedding.weight)
        assert not torch.equal(head_before, model.head[-1].weight)  # the head always learns at lr
    assert moved == {0.0: False, 1e-2: True}


def test_masked_pooling_matches_a_loop_over_the_real_tokens():
    torch.manual_seed(0)
    outputs, lengths = torch.randn(3, 6, 4), [6, 2, 4]
    mask = torch.arange(6)[None, :] < torch.tensor(lengths)[:, None]
    pooled = masked_pool(outputs.masked_fill(~mask[..., None], 1e6), mask, ("max", "mean", "last"))
    for row, n in enumerate(lengths):
        real = outputs[row, :n]
        assert torch.allclose(pooled[row], torch.cat([real.max(0).values, real.mean(0), real[-1]]))
    with pytest.raises(ValueError, match="unknown pooling"):
        masked_pool(outputs, mask, ("median",))


def test_the_linear_probe_standardises_with_the_training_statistics():
    torch.manual_seed(0)
    features = torch.randn(40, 3) * torch.tensor([1000.0, 0.01, 1.0]) + torch.tensor([5e4, -3.0, 0.0])
    labels = (features[:, 1] > -3.0).long()  # the label hides in the tiny-scale column
    probe = clf.train_probe(features, labels)
    assert torch.allclose(probe.mean, features.mean(0)) and torch.allclose(probe.std, features.std(0))
    x = torch.randn(5, 3)
    assert torch.allclose(probe(x), probe.linear((x - features.mean(0)) / features.std(0)))
    assert (probe(features).argmax(-1) == labels).float().mean() > 0.9
    assert isinstance(probe, LinearProbe)


def test_probe_on_pooled_features():
    vocab = Vocab.build(TEXTS)
    examples = list(zip([vocab.encode(t) for t in TEXTS], LABELS))
    features = pooled_features(_model(vocab).encoder, examples)
    assert features.shape == (len(TEXTS), 24)
    probe = clf.train_probe(features, torch.tensor(LABELS))
    assert (probe(features).argmax(-1) == torch.tensor(LABELS)).float().mean() == 1.0
    assert probe_accuracy(_model(vocab).encoder, examples, examples) == 1.0
    with pytest.raises(ValueError, match="one label per feature row"):
        clf.train_probe(features, torch.tensor(LABELS[:3]))


def test_no_examples_is_a_clear_error():
    with pytest.raises(ValueError, match="no examples"):
        labelled_batches([], 4)


def test_bptt_windows_read_a_long_document_exactly_like_one_pass():
    vocab = Vocab.build(TEXTS)
    model = _model(vocab).eval()
    ids = torch.tensor([vocab.encode(" ".join(TEXTS[:4]))])  # 20 tokens
    mask = torch.ones_like(ids, dtype=torch.bool)
    whole = model(ids, mask)
    model.bptt = 3  # 7 windows, the last one shorter
    assert torch.allclose(model(ids, mask), whole, atol=1e-6)


def test_only_the_last_windows_back_propagate_with_grad_windows():
    vocab = Vocab.build(TEXTS + ["early words only here"])
    first, rest = vocab.encode("early words only here"), vocab.encode(" ".join(TEXTS[:2]))
    ids = torch.tensor([first + rest])
    mask = torch.ones_like(ids, dtype=torch.bool)
    early = torch.tensor(first)
    for grad_windows, early_gets_gradient in [(None, True), (1, False)]:
        model = _model(vocab)
        model.bptt, model.grad_windows = 4, grad_windows
        model(ids, mask).sum().backward()
        grad = model.encoder.embedding.weight.grad
        assert bool(grad[early].abs().sum() > 0) is early_gets_gradient
        assert grad[torch.tensor(rest[-4:])].abs().sum() > 0  # the last window always learns
    with pytest.raises(ValueError, match="bptt"):
        LSTMClassifier(model.encoder, 2, bptt=0)


def test_empty_batches_and_texts_get_clear_messages():
    vocab = Vocab.build(TEXTS)
    model = _model(vocab)
    with pytest.raises(ValueError, match="non-empty"):
        model(torch.zeros(0, 5, dtype=torch.long), torch.zeros(0, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="no examples"):
        labelled_batches([], 16)
    with pytest.raises(ValueError, match="no labelled examples"):
        train_ulmfit_classifier(model, [])
    with pytest.raises(ValueError, match="text 1 is empty"):
        clf.predict_texts(model, vocab, ["the film was good .", "   "])
    with pytest.raises(ValueError, match="no texts"):
        clf.predict_texts(model, vocab, [])


def test_a_text_of_unknown_words_is_classified_with_a_warning():
    vocab = Vocab.build(TEXTS)
    model = _model(vocab)
    with pytest.warns(UserWarning, match="no word the model knows"):
        rows = clf.predict_texts(model, vocab, ["the film was good .", "zzz qqq"])
    assert [row["known"] for row in rows] == [1.0, 0.0]
    assert all(row["label"] in (0, 1) and 0.5 <= row["probability"] <= 1 for row in rows)


def test_pooled_features_are_last_max_and_mean_of_the_encoders_top_layer():
    vocab = Vocab.build(TEXTS)
    encoder = _model(vocab).encoder
    examples = [(vocab.encode(text), 0) for text in ("the film was good .", "awful", "the film was")]
    features = pooled_features(encoder, examples, batch_size=3)  # padded together in one batch
    encoder.eval()
    for row, (ids, _) in enumerate(examples):
        with torch.no_grad():
            top = encoder(torch.tensor([ids]))[0][-1][0]  # the top LSTM layer's states, this text alone
        assert torch.allclose(features[row], torch.cat([top[-1], top.max(0).values, top.mean(0)]), atol=1e-6)
