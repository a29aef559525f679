"""The biLM: characters in, each direction reads only its own side, targets shift right at both ends."""

import math
import random

import pytest
import torch

from ptlib.data.characters import EOS, Batcher, CharVocab, sentence_batches
from ptlib.data.vocab import CLS_ID, PAD_ID, SEP_ID, UNK_ID, Vocab
from ptlib.models.bilm import BiLM, BiLMConfig, lm_targets, reverse_padded
from ptlib.train.bilm import perplexities, train_bilm

TEXTS = ["the cat sat on the mat .", "a dog ran .", "the dog sat near the cat .", "a cat ran to the dog ."]
VOCAB = Vocab.build(TEXTS)
CHARS = CharVocab.build(TEXTS)


def make_model(seed: int = 0, **overrides) -> tuple[BiLM, Batcher]:
    torch.manual_seed(seed)
    settings = {"dim": 8, "char_embedding": 4, "char_filters": ((1, 4), (2, 4), (3, 6)), "max_chars": 10,
                "softmax_cutoffs": (6,), **overrides}
    config = BiLMConfig(vocab_size=len(VOCAB), char_vocab_size=len(CHARS), **settings)
    return BiLM(config), Batcher(VOCAB, CHARS, config.max_chars)


def test_words_are_spelled_between_markers_and_unseen_characters_are_unknown():
    row = CHARS.encode_word("cat", 8)
    assert len(row) == 8 and row[0] == CharVocab.BOW and row[4] == CharVocab.EOW and row[5:] == [CharVocab.PAD] * 3
    assert CHARS.encode_word("cqt", 8)[2] == CharVocab.UNK  # "q" never occurred in the texts
    assert CHARS.encode_word("cat", 8)[1:4] == CHARS.encode_word("tac", 8)[3:0:-1]
    cut = CHARS.encode_word("catastrophe", 6)  # too long: cut, the end marker kept
    assert len(cut) == 6 and cut[-1] == CharVocab.EOW
    assert CHARS.encode_word(EOS, 5) == [CharVocab.BOW, CharVocab.EOS_CHAR, CharVocab.EOW, 0, 0]
    with pytest.raises(ValueError, match="widest filter"):
        BiLMConfig(vocab_size=10, char_vocab_size=10, max_chars=4)


def test_batcher_wraps_sentences_and_spells_each_word_type_once():
    batch = Batcher(VOCAB, CHARS, 10)([["the", "cat"], ["the", "dog", "sat"]])
    the, cat = VOCAB.token_to_id("the"), VOCAB.token_to_id("cat")
    assert batch["input_ids"][0].tolist() == [CLS_ID, the, cat, SEP_ID, PAD_ID]
    assert batch["attention_mask"].tolist() == [[True] * 4 + [False], [True] * 5]
    assert batch["chars"].shape == (6, 10)  # <S> the cat </S> dog sat: each spelled once
    types = batch["types"]
    assert types[0, 1] == types[1, 1] and types[0, 3] == types[1, 4]  # "the" and </S> share their rows
    assert Batcher(VOCAB, CHARS, 10)([["zebra"]])["input_ids"][0, 1] == UNK_ID
    with pytest.raises(ValueError, match="sentence 1 must be a non-empty list"):
        Batcher(VOCAB, CHARS, 10)([["a"], []])
    with pytest.raises(ValueError, match="text.split"):
        Batcher(VOCAB, CHARS, 10)(["a dog"])


def test_reverse_padded_reverses_within_each_length_and_is_its_own_inverse():
    x = torch.arange(10.0).view(2, 5, 1)
    lengths = torch.tensor([3, 5])
    flipped = reverse_padded(x, lengths)
    assert flipped[..., 0].tolist() == [[2, 1, 0, 3, 4], [9, 8, 7, 6, 5]]  # padding (3, 4) stays in place
    assert torch.equal(reverse_padded(flipped, lengths), x)


def test_targets_shift_one_way_per_direction_and_stop_at_both_ends():
    # <S> a b </S> PAD  and  <S> c </S> PAD PAD, with made-up ids
    words = torch.tensor([[CLS_ID, 10, 11, SEP_ID, PAD_ID], [CLS_ID, 12, SEP_ID, PAD_ID, PAD_ID]])
    forward, backward = lm_targets(words, words != PAD_ID)
    assert forward.tolist() == [[10, 11, SEP_ID, PAD_ID, PAD_ID], [12, SEP_ID, PAD_ID, PAD_ID, PAD_ID]]
    assert backward.tolist() == [[PAD_ID, CLS_ID, 10, 11, PAD_ID], [PAD_ID, CLS_ID, 12, PAD_ID, PAD_ID]]


@pytest.mark.parametrize("char_inputs", [True, False])
def test_forward_reads_left_to_right_and_backward_right_to_left(char_inputs):
    model, batcher = make_model(char_inputs=char_inputs)
    model.eval()
    sentence = "the cat sat on the mat .".split()
    # Every position, not only the middle one: a backward LM that read its input unreversed (and reversed only its
    # output) would be right by accident at the centre of the sequence.
    for t in range(len(sentence)):
        changed = list(sentence)
        changed[t] = "dog" if sentence[t] != "dog" else "cat"
        _, (f1, f2), (b1, b2) = model.states(batcher([sentence, changed]))
        p = t + 1  # word t sits at position t + 1, after <S>
        for f in (f1, f2):
            assert torch.allclose(f[0, :p], f[1, :p])  # nothing before the change sees it ...
            assert all(not torch.allclose(f[0, j], f[1, j]) for j in range(p, len(sentence) + 2))  # ... all after do
        for b in (b1, b2):
            assert torch.allclose(b[0, p + 1 :], b[1, p + 1 :])  # nothing after the change sees it ...
            assert all(not torch.allclose(b[0, j], b[1, j]) for j in range(p + 1))  # ... everything up to it does


def test_padding_changes_nothing_and_the_loss_is_the_nll_of_the_shifted_words():
    model, batcher = make_model()
    model.eval()
    short, long = "a dog ran .".split(), "the dog sat near the cat .".split()
    alone = model.states(batcher([short]))
    padded = model.states(batcher([short, long]))
    n = len(short) + 2
    assert torch.allclose(alone[0][0], padded[0][0, :n], atol=1e-6)
    for direction in (1, 2):
        for layer in range(2):
            assert torch.allclose(alone[direction][layer][0], padded[direction][layer][0, :n], atol=1e-6)

    batch = batcher([short])
    _, (_, f2), (_, b2) = model.states(batch)
    ids = [CLS_ID, *(VOCAB.token_to_id(w) for w in short), SEP_ID]
    f_logp, b_logp = model.softmax.log_prob(f2[0]), model.softmax.log_prob(b2[0])
    # forward: position i predicts word i + 1; backward: position i predicts word i - 1
    forward_nll = -sum(f_logp[i, ids[i + 1]] for i in range(len(ids) - 1))
    backward_nll = -sum(b_logp[i, ids[i - 1]] for i in range(1, len(ids)))
    forward, backward = model.direction_losses(batch, reduction="sum")
    assert torch.allclose(forward, forward_nll) and torch.allclose(backward, backward_nll)
    assert torch.allclose(model.loss(batch), (forward_nll + backward_nll) / (2 * (len(ids) - 1)))


def test_the_second_layer_adds_the_first_layers_output_back():
    model, batcher = make_model()
    with torch.no_grad():
        for parameter in model.forward_lm.second.parameters():
            parameter.zero_()  # an LSTM with zero weights outputs zeros: only the residual path is left
    _, (f1, f2), _ = model.eval().states(batcher([["a", "dog", "ran", "."]]))
    assert f1.abs().sum() > 0 and torch.equal(f2, f1)


def test_every_sentence_is_batched_once_per_epoch_among_similar_lengths():
    sentences = [["w"] * n for n in (5, 1, 3, 2, 4, 1, 5, 2)]
    batches = list(sentence_batches(sentences, Batcher(VOCAB, CHARS, 10), 2, random.Random(0)))
    lengths = [int(row.sum()) - 2 for batch in batches for row in batch["attention_mask"]]
    assert sorted(lengths) == [1, 1, 2, 2, 3, 4, 5, 5]
    unshuffled = list(sentence_batches(sentences, Batcher(VOCAB, CHARS, 10), 2))
    assert [b["input_ids"].shape[1] - 2 for b in unshuffled] == [1, 2, 4, 5]  # sorted: little padding


def test_dropout_is_on_in_training_and_off_in_eval():
    model, batcher = make_model(dropout=0.5)
    batch = batcher([s.split() for s in TEXTS])
    model.train()
    assert not torch.equal(model.loss(batch), model.loss(batch))
    model.eval()
    assert torch.equal(model.loss(batch), model.loss(batch))
    layers, _ = model(batch)
    assert torch.equal(layers, model(batch)[0])
    no_dropout, _ = make_model(dropout=0.0)
    no_dropout.train()
    assert torch.equal(no_dropout.loss(batch), no_dropout.loss(batch))


def test_unseen_words_get_their_own_character_based_vectors():
    model, batcher = make_model()
    model.eval()
    x, _, _ = model.states(batcher([["the", "zebra", "quokka"]]))
    zebra, quokka = x[0, 2], x[0, 3]  # neither is in the vocabulary: both are [UNK] for the softmax
    assert zebra.abs().sum() > 0 and not torch.allclose(zebra, quokka)
    word_model, _ = make_model(char_inputs=False)
    x, _, _ = word_model.eval().states(batcher([["the", "zebra", "quokka"]]))
    assert torch.equal(x[0, 2], x[0, 3])  # a word embedding has one [UNK] row for both


def test_layers_stack_token_and_both_directions_per_word():
    model, batcher = make_model()
    model.eval()
    batch = batcher([["a", "dog", "ran", "."], ["the", "cat"]])
    layers, word_mask = model(batch)
    assert layers.shape == (3, 2, 4, 16) and word_mask.tolist() == [[True] * 4, [True, True, False, False]]
    x, (f1, f2), (b1, b2) = model.states(batch)
    assert torch.equal(layers[0, 0], torch.cat([x[0, 1:5], x[0, 1:5]], -1))  # word i sits at position i + 1
    assert torch.equal(layers[1, 1, :2], torch.cat([f1[1, 1:3], b1[1, 1:3]], -1))
    assert torch.equal(layers[2, 1, :2], torch.cat([f2[1, 1:3], b2[1, 1:3]], -1))
    assert (layers[:, 1, 2:] == 0).all()  # padding is zero


def test_training_lowers_both_perplexities():
    model, batcher = make_model()
    sentences = [s.split() for s in TEXTS] * 8
    before = perplexities(model, batcher, sentences)
    assert model.training  # perplexities restores the mode it found
    history = train_bilm(model, batcher, sentences, sentences[:4], epochs=15, batch_size=8, lr=2e-2,
                         progress=False, device=torch.device("cpu"))
    after = perplexities(model, batcher, sentences)
    assert all(a < b / 2 for a, b in zip(after, before)), (before, after)
    assert history.final("forward_perplexity") > 1 and history.final("backward_perplexity") > 1
    probabilities = model.softmax.log_prob(torch.randn(3, 8)).exp().sum(-1)  # the adaptive softmax is exact
    assert torch.allclose(probabilities, torch.ones(3), atol=1e-5)
    assert math.isfinite(before[0]) and before[0] > 3


@pytest.mark.parametrize("char_inputs", [True, False])
def test_token_vectors_are_layer_normalised_without_a_gain(char_inputs):
    model, batcher = make_model(char_inputs=char_inputs)
    batch = batcher([s.split() for s in TEXTS])
    x = model.eval().token_encoder(batch)[batch["attention_mask"]]  # [real positions, dim]
    # by the definition of layer normalisation: each vector has mean 0 and (biased) variance 1
    assert torch.allclose(x.mean(-1), torch.zeros(len(x)), atol=1e-5)
    assert torch.allclose(x.var(-1, unbiased=False), torch.ones(len(x)), atol=1e-3)


def test_highway_mixes_transform_and_input_by_its_gate():
    from ptlib.models.bilm import Highway

    highway = Highway(3, 1)
    with torch.no_grad():
        highway.layers[0].weight.zero_()  # so the transform and the gate are their biases
        highway.layers[0].bias.copy_(torch.tensor([2.0, -1.0, 0.5, 0.0, 3.0, -2.0]))
    x = [1.0, 2.0, -3.0]
    transform, gate_logits = [2.0, -1.0, 0.5], [0.0, 3.0, -2.0]
    # y = g * relu(t) + (1 - g) * x, g = sigmoid(gate logits): Srivastava et al. (2015), worked by hand
    expected = []
    for xi, t, a in zip(x, transform, gate_logits):
        g = 1 / (1 + math.exp(-a))
        expected.append(g * max(t, 0.0) + (1 - g) * xi)
    assert torch.allclose(highway(torch.tensor([x])), torch.tensor([expected]), atol=1e-6)


def test_perplexity_is_per_prediction_n_plus_one_per_sentence_and_direction():
    model, batcher = make_model()
    model.eval()
    sentences = [s.split() for s in TEXTS]
    totals, predictions = [0.0, 0.0], 0
    with torch.no_grad():
        for sentence in sentences:  # one sentence at a time, the log-probabilities read off the softmax
            _, (_, f2), (_, b2) = model.states(batcher([sentence]))
            ids = [CLS_ID, *(VOCAB.token_to_id(w) for w in sentence), SEP_ID]
            f_logp, b_logp = model.softmax.log_prob(f2[0]), model.softmax.log_prob(b2[0])
            totals[0] -= sum(float(f_logp[i, ids[i + 1]]) for i in range(len(ids) - 1))
            totals[1] -= sum(float(b_logp[i, ids[i - 1]]) for i in range(1, len(ids)))
            predictions += len(sentence) + 1
    forward, backward = perplexities(model, batcher, sentences, batch_size=3)
    assert forward == pytest.approx(math.exp(totals[0] / predictions), rel=1e-4)
    assert backward == pytest.approx(math.exp(totals[1] / predictions), rel=1e-4)


def test_training_applies_the_weight_decay():
    # Adam's first step moves every weight by lr * sign(its gradient). A huge weight decay makes the gradient
    # decay * w, so every weight must move by lr towards zero; without the decay about half would move away.
    model, batcher = make_model()
    sentences = [s.split() for s in TEXTS]
    watched = [model.forward_lm.first.weight_ih_l0, model.backward_lm.second.weight_hh_l0, model.softmax.head.weight]
    before = [w.detach().clone() for w in watched]
    train_bilm(model, batcher, sentences, epochs=1, batch_size=len(sentences), lr=1e-3, weight_decay=1e6,
               progress=False, device=torch.device("cpu"))
    for w, old in zip(watched, before):
        big = old.abs() > 1e-3
        assert torch.allclose(w.detach()[big], (old - 1e-3 * old.sign())[big], atol=1e-6)
