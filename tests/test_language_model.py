"""LM plumbing: streams, windows, training that learns, and next-word scores that ignore padding."""

import pytest
import torch

from ptlib.analysis import lm_queries
from ptlib.data.streams import batchify, token_stream
from ptlib.data.vocab import Vocab
from ptlib.models.awd_lstm import AWDLSTMLanguageModel, LMConfig
from ptlib.train import language_model as lm

TEXTS = ["a b c d ."] * 60 + ["x y z ."] * 60


@pytest.fixture(scope="module")
def trained():
    vocab = Vocab.build(TEXTS)
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(LMConfig(len(vocab), embedding=16, hidden=16, layers=1, weight_dropout=0.0))
    stream = token_stream(TEXTS, vocab)
    history = lm.train_language_model(model, stream, stream, epochs=6, batch_size=4, bptt=8, lr=1e-2,
                                      progress=False, device=torch.device("cpu"))
    return model, vocab, history


def test_training_learns_the_stream(trained):
    model, vocab, history = trained
    # a unigram model has perplexity ~8 here; the only uncertainty left is which block follows "."
    assert history.final("validation_perplexity") < 3.0
    assert history.losses[-1] < history.losses[0] / 3
    assert lm_queries.choose(model, vocab, ["a b c"], [["d", "z", "y"]]) == ["d"]
    assert lm_queries.prefers(model, vocab, ["x y", "a b"], ["z", "c"], ["c", "z"]).all()


def test_next_word_scores_do_not_depend_on_padding(trained):
    model, vocab, _ = trained
    prefixes = ["a", "x y z . a b c d . a b", "x"]
    together = lm_queries.next_word_logprobs(model, vocab, prefixes)
    alone = torch.cat([lm_queries.next_word_logprobs(model, vocab, [p]) for p in prefixes])
    assert torch.allclose(together, alone, atol=1e-5)
    assert torch.allclose(together.exp().sum(-1), torch.ones(3), atol=1e-4)


def test_bad_input_is_refused_clearly():
    vocab = Vocab.build(TEXTS)
    with pytest.raises(ValueError, match="no texts"):
        token_stream([], vocab)
    with pytest.raises(ValueError, match="too short"):
        batchify(torch.arange(5), 4)


def test_state_reset_starts_that_fraction_of_windows_cold():
    vocab = Vocab.build(TEXTS)
    stream = token_stream(TEXTS, vocab)

    def cold_starts(state_reset: float) -> list[bool]:
        torch.manual_seed(0)
        model = AWDLSTMLanguageModel(LMConfig(len(vocab), embedding=4, hidden=4, layers=1))
        seen = []
        original = model.top

        def spy(words, state=None):
            seen.append(state is None)
            return original(words, state)

        model.top = spy
        lm.train_language_model(model, stream, epochs=2, batch_size=4, bptt=8, state_reset=state_reset,
                                progress=False, device=torch.device("cpu"))
        return seen

    carried = cold_starts(0.0)
    assert carried.count(True) == 2 and carried[0]  # only the first window of each epoch
    assert all(cold_starts(1.0))
    some = cold_starts(0.5)
    assert 0.2 < sum(some) / len(some) < 0.8
    with pytest.raises(ValueError, match="probability"):
        lm.train_language_model(AWDLSTMLanguageModel(LMConfig(len(vocab), 4, 4, 1)), stream, state_reset=2)


def test_next_token_loss_is_the_mean_cross_entropy_of_the_real_tokens():
    from ptlib.train.objectives import next_token_loss

    torch.manual_seed(0)
    logits = torch.randn(2, 4, 7)
    labels = torch.tensor([[5, 6, 0, 0], [6, 5, 4, 0]])  # 0 is [PAD]: nothing to predict there
    picked = [torch.log_softmax(logits[b, t], -1)[labels[b, t]] for b in range(2) for t in range(4) if labels[b, t]]
    assert len(picked) == 5
    assert torch.allclose(next_token_loss(logits, labels), -torch.stack(picked).mean())
    assert torch.allclose(next_token_loss(logits, labels, reduction="sum"), -torch.stack(picked).sum())


def test_held_out_loss_carries_the_state_from_window_to_window():
    vocab = Vocab.build(TEXTS)
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(LMConfig(len(vocab), embedding=8, hidden=8, layers=2)).eval()
    stream = token_stream(TEXTS[:20] + TEXTS[-20:], vocab)
    columns = stream.numel() // 4
    rows = stream[: 4 * columns].view(4, columns)  # four parallel rows, each read in one pass from a zero state
    with torch.no_grad():
        logits, _ = model(rows[:, :-1])
        expected = torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), rows[:, 1:].reshape(-1))
    assert lm.mean_loss(model, stream, batch_size=4, bptt=5) == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize("cutoffs", [(), (10, 30)], ids=["full softmax", "adaptive softmax"])
def test_the_training_loss_is_the_cross_entropy_of_the_models_own_distribution(cutoffs):
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(LMConfig(50, embedding=8, hidden=12, layers=2, softmax_cutoffs=cutoffs)).eval()
    words = torch.randint(5, 50, (2, 5))
    labels = torch.tensor([[7, 12, 40, 0, 0], [33, 5, 9, 48, 0]])  # 0 is [PAD]: nothing to predict there
    log_probs = torch.log_softmax(model(words)[0], -1)  # the distribution every probe reads
    picked = torch.stack([log_probs[b, t, labels[b, t]] for b in range(2) for t in range(5) if labels[b, t]])
    assert len(picked) == 7
    mean, state = lm.language_model_loss(model, words, labels)
    assert torch.allclose(mean, -picked.mean(), atol=1e-5)
    assert torch.allclose(lm.language_model_loss(model, words, labels, reduction="sum")[0], -picked.sum(), atol=1e-4)
    assert len(state) == 2


def test_the_adaptive_softmax_lm_learns_the_stream():
    vocab = Vocab.build(TEXTS)
    stream = token_stream(TEXTS * 10, vocab)
    torch.manual_seed(0)
    model = AWDLSTMLanguageModel(LMConfig(len(vocab), embedding=16, hidden=32, layers=1, softmax_cutoffs=(8,)))
    before = lm.stream_perplexity(model, stream)
    lm.train_language_model(model, stream, epochs=3, batch_size=4, bptt=8, lr=1e-2, progress=False,
                            device=torch.device("cpu"))
    assert lm.stream_perplexity(model, stream) < before / 3


def test_a_sentences_log_probability_is_the_sum_of_its_next_word_log_probabilities(trained):
    model, vocab, _ = trained
    texts = ["a b c d .", "x y c", "a"]  # padded together in one batch, one of them a single word
    by_word = []
    for text in texts:
        words = text.split()
        scores = lm_queries.next_word_logprobs(model, vocab, [" ".join(words[:i]) for i in range(1, len(words))]) \
            if len(words) > 1 else torch.zeros(0, len(vocab))
        by_word.append(sum(float(row[vocab.token_to_id(w)]) for row, w in zip(scores, words[1:])))
    assert lm_queries.sentence_logprobs(model, vocab, texts).tolist() == pytest.approx(by_word, abs=1e-4)
    assert lm_queries.sentence_logprobs(model, vocab, ["a b c d ."])[0] > lm_queries.sentence_logprobs(
        model, vocab, ["a b z d ."])[0]  # the trained order beats a broken one
