"""AWD-LSTM: shapes, tied weights, and every dropout active in training and off in eval."""

import torch

from ptlib.models import count_parameters
from ptlib.models.awd_lstm import (
    AWDLSTMLanguageModel,
    LMConfig,
    LockedDropout,
    WeightDropLSTM,
    detach,
    embedding_dropout,
)

CONFIG = LMConfig(vocab_size=50, embedding=8, hidden=12, layers=3)


def test_shapes_and_layer_outputs():
    model = AWDLSTMLanguageModel(CONFIG).eval()
    words = torch.randint(5, 50, (4, 7))
    logits, state = model(words)
    assert logits.shape == (4, 7, 50)
    layers, _ = model.encoder(words)
    assert [tuple(x.shape) for x in layers] == [(4, 7, 8), (4, 7, 12), (4, 7, 12), (4, 7, 8)]
    assert len(state) == 3 and state[0][0].shape == (1, 4, 12)
    assert len(model.encoder.layer_groups()) == 4


def test_tied_weights_are_one_tensor():
    model = AWDLSTMLanguageModel(CONFIG)
    assert model.decoder.weight is model.encoder.embedding.weight
    def lstm(inputs: int, hidden: int) -> int:  # four gates, input and recurrent weights, two biases
        return 4 * hidden * (inputs + hidden) + 2 * 4 * hidden

    embedding, decoder_bias = 50 * 8, 50
    assert count_parameters(model) == embedding + lstm(8, 12) + lstm(12, 12) + lstm(12, 8) + decoder_bias
    untied = AWDLSTMLanguageModel(LMConfig(vocab_size=50, embedding=8, hidden=12, layers=3, tie_weights=False))
    assert count_parameters(untied) == embedding + lstm(8, 12) + lstm(12, 12) + lstm(12, 12) + 50 * 12 + decoder_bias
    assert untied.decoder.weight is not untied.encoder.embedding.weight
    assert untied.decoder.weight.shape == (50, 12)


def test_locked_dropout_shares_its_mask_over_time_and_is_off_in_eval():
    dropout = LockedDropout(0.5).train()
    x = torch.ones(3, 20, 6)
    y = dropout(x)
    assert (y == 0).any() and (y == 2).any()  # kept units are rescaled by 1 / (1 - p)
    assert torch.equal(y, y[:, :1, :].expand_as(y))  # the same units are dropped at every step
    assert torch.equal(dropout.eval()(x), x)


def test_embedding_dropout_drops_whole_words():
    embedding = torch.nn.Embedding(30, 4)
    words = torch.tensor([[7, 7, 7, 9, 9]])
    torch.manual_seed(0)
    dropped = [embedding_dropout(embedding, words, 0.5, training=True) for _ in range(20)]
    for out in dropped:
        zero = (out == 0).all(-1)[0]
        assert zero[0] == zero[1] == zero[2] and zero[3] == zero[4]  # a word type is dropped everywhere
    assert any((out == 0).all(-1).any() for out in dropped)
    for out in dropped:  # a kept word is scaled by 1 / (1 - p), so the expected embedding is unchanged
        kept = ~(out == 0).all(-1)[0]
        assert torch.allclose(out[0, kept], embedding(words)[0, kept] / (1 - 0.5))
    assert torch.equal(embedding_dropout(embedding, words, 0.5, training=False), embedding(words))


def test_weight_drop_changes_the_recurrent_matrix_in_training_only_and_trains_the_raw_weights():
    layer = WeightDropLSTM(4, 5, weight_dropout=0.5)
    x = torch.randn(2, 6, 4)
    layer.train()
    torch.manual_seed(1)
    first, _ = layer(x)
    used = layer.lstm.weight_hh_l0
    assert (used == 0).float().mean() > 0.3  # about half the connections are dropped
    second, _ = layer(x)
    assert not torch.equal(first, second)
    second.sum().backward()
    assert layer.weight_hh_raw.grad is not None and layer.weight_hh_raw.grad.abs().sum() > 0
    layer.eval()
    a, _ = layer(x)
    b, _ = layer(x)
    assert torch.equal(a, b)
    assert torch.equal(layer.lstm.weight_hh_l0, layer.weight_hh_raw.detach())
    # the raw matrix is the only recurrent parameter: the optimiser must see exactly one copy
    names = [name for name, _ in layer.named_parameters()]
    assert names.count("weight_hh_raw") == 1 and "lstm.weight_hh_l0" not in names


def test_eval_is_deterministic_training_is_not_and_state_dict_round_trips():
    model = AWDLSTMLanguageModel(CONFIG)
    words = torch.randint(5, 50, (2, 9))
    model.eval()
    reference = model(words)[0]
    model.train()
    assert not torch.equal(model(words)[0], model(words)[0])
    model.eval()
    assert torch.equal(model(words)[0], reference)
    copy = AWDLSTMLanguageModel(CONFIG)
    copy.load_state_dict(model.state_dict())
    assert torch.equal(copy.eval()(words)[0], reference)


def test_state_carries_over_windows():
    model = AWDLSTMLanguageModel(CONFIG).eval()
    words = torch.randint(5, 50, (2, 10))
    whole, _ = model(words)
    first, state = model(words[:, :5])
    second, _ = model(words[:, 5:], detach(state))
    assert torch.allclose(torch.cat([first, second], 1), whole, atol=1e-5)


ADAPTIVE = LMConfig(vocab_size=50, embedding=8, hidden=12, layers=2, softmax_cutoffs=(10, 30))


def test_adaptive_softmax_gives_a_distribution_over_every_word():
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(ADAPTIVE).eval()
    scores, _ = model(torch.randint(5, 50, (3, 6)))
    assert scores.shape == (3, 6, 50)
    assert torch.allclose(scores.exp().sum(-1), torch.ones(3, 6), atol=1e-5)  # log-probabilities, normalised
    # Cutoffs at or past the vocabulary are dropped: one cluster then holds every word after the head.
    small = AWDLSTMLanguageModel(LMConfig(vocab_size=20, embedding=8, hidden=12, layers=1, softmax_cutoffs=(10, 30)))
    assert small.decoder.bounds == [0, 10, 20]
    assert small.decoder.weight is small.encoder.embedding.weight  # still tied


def test_the_adaptive_softmax_is_the_distribution_of_its_definition():
    # P(word) = P(word's cluster) * P(word | cluster), with head scores [W_head h + b; cluster(h)]; by hand:
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(ADAPTIVE).eval()
    softmax, h = model.decoder, torch.randn(4, 8)
    W, b = model.encoder.embedding.weight, softmax.bias
    head = torch.softmax(torch.cat([h @ W[:10].T + b[:10], softmax.cluster(h)], -1), -1)
    expected = torch.cat([head[:, :10],
                          head[:, 10:11] * torch.softmax(h @ W[10:30].T + b[10:30], -1),
                          head[:, 11:12] * torch.softmax(h @ W[30:].T + b[30:], -1)], -1)
    assert torch.allclose(softmax.log_prob(h).exp(), expected, atol=1e-6)
    targets = torch.tensor([3, 15, 42, 29])  # head, cluster 1, cluster 2, cluster 1's last word
    assert torch.allclose(softmax(h, targets), -expected[torch.arange(4), targets].log(), atol=1e-5)


def test_the_full_softmax_has_no_clusters():
    model = AWDLSTMLanguageModel(CONFIG)
    assert not model.adaptive and isinstance(model.decoder, torch.nn.Linear)
