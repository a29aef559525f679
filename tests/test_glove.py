"""GloVe: co-occurrence counts, the weighting and the loss against their formulas, and training."""

import math
from collections import defaultdict

import pytest
import torch

from ptlib.config import GloVeRecipe
from ptlib.data.cooccurrences import Cooccurrences, cooccurrences
from ptlib.data.vocab import SPECIAL_TOKENS, Vocab
from ptlib.models.glove import GloVeModel
from ptlib.train.glove import train_glove
from ptlib.train.objectives import glove_loss, glove_weighting


def brute_force_counts(texts, vocab, window):
    """X_ij by the definition: every ordered pair of in-vocabulary tokens within ``window`` adds 1/distance."""
    counts = defaultdict(float)
    for text in texts:
        tokens = text.split()
        for p, left in enumerate(tokens):
            for q, right in enumerate(tokens):
                if p != q and abs(p - q) <= window and left in vocab.counts and right in vocab.counts:
                    counts[vocab.token_to_id(left), vocab.token_to_id(right)] += 1 / abs(p - q)
    return counts


def test_cooccurrences_match_the_definition():
    texts = ["the cat sat on the mat .", "a dog sat", "the cat saw a zebra near the cat"]
    vocab = Vocab(["the", "cat", "sat", "on", "mat", ".", "a", "dog", "saw", "near"])  # zebra: unknown
    for window in (1, 2, 10):
        counts = cooccurrences(texts, vocab, window=window)
        expected = brute_force_counts(texts, vocab, window)
        found = {(r, c): v for r, c, v in zip(counts.rows.tolist(), counts.cols.tolist(), counts.values.tolist())}
        assert found.keys() == expected.keys()
        for key, value in expected.items():
            assert found[key] == pytest.approx(value, rel=1e-6)
    assert counts.vocab_size == len(vocab) and len(counts) == len(expected)
    # symmetric; the same word twice in one window counts both ways; sentences do not share windows
    the, cat, dog, mat = (vocab.token_to_id(w) for w in ("the", "cat", "dog", "mat"))
    assert found[the, cat] == found[cat, the]
    assert found[the, the] == pytest.approx(2 * (1 / 4 + 1 / 6))  # "the ... the" in sentences 1 and 3
    assert (dog, mat) not in found
    assert int(counts.rows.min()) >= len(SPECIAL_TOKENS)  # unknown words and special tokens are left out


def test_cooccurrences_refuse_bad_input():
    vocab = Vocab(["a"])
    with pytest.raises(TypeError, match="not one string"):
        cooccurrences("a a a", vocab)
    with pytest.raises(ValueError, match="window"):
        cooccurrences(["a a"], vocab, window=0)


def test_weighting_is_the_published_function():
    x = torch.tensor([1.0, 10.0, 50.0, 100.0, 400.0])
    expected = torch.tensor([(1 / 100) ** 0.75, (10 / 100) ** 0.75, 0.5**0.75, 1.0, 1.0])
    assert torch.allclose(glove_weighting(x), expected)
    assert torch.allclose(glove_weighting(x, x_max=10, alpha=1.0), torch.tensor([0.1, 1.0, 1.0, 1.0, 1.0]))


def test_loss_is_the_weighted_least_squares_sum():
    g = torch.Generator().manual_seed(0)
    w, w_tilde = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    b, b_tilde = torch.randn(5, generator=g), torch.randn(5, generator=g)
    rows, cols = torch.tensor([0, 1, 4, 2]), torch.tensor([1, 0, 3, 2])
    values = torch.tensor([3.0, 3.0, 250.0, 0.5])
    expected = 0.0
    for i, j, x in zip(rows.tolist(), cols.tolist(), values.tolist()):
        f = min(1.0, (x / 100) ** 0.75)
        expected += f * (float(w[i] @ w_tilde[j]) + float(b[i]) + float(b_tilde[j]) - math.log(x)) ** 2
    model = GloVeModel(5, 3)
    with torch.no_grad():
        model.w.copy_(w), model.w_tilde.copy_(w_tilde), model.b.copy_(b), model.b_tilde.copy_(b_tilde)
    assert glove_loss(model(rows, cols), values).item() == pytest.approx(expected, rel=1e-5)
    assert torch.equal(model.vectors(), w + w_tilde)  # the published word vectors are W + W~


def clustered_texts():
    # Two groups of words that never meet: after training, a word's nearest word is in its own group.
    left, right = ["cat", "dog", "cow"], ["car", "bus", "van"]
    return [f"the {a} and the {b} ate hay" for a in left for b in left if a != b] * 5 + \
           [f"a {a} or a {b} took fuel" for a in right for b in right if a != b] * 5


def test_training_fits_the_counts_and_repeats_with_a_seed():
    texts = clustered_texts()
    vocab = Vocab.build(texts)
    counts = cooccurrences(texts, vocab)
    recipe = GloVeRecipe(dim=8, epochs=60, batch_size=32)
    vectors, losses = train_glove(counts, recipe, progress=False, device=torch.device("cpu"))
    assert vectors.shape == (len(vocab), 8) and len(losses) == 60
    assert losses[-1] < losses[0] / 5
    unit = torch.nn.functional.normalize(vectors, dim=1)
    animals, vehicles = {"cat", "dog", "cow"}, {"car", "bus", "van"}
    for word, own, other in (("cat", animals, vehicles), ("bus", vehicles, animals)):
        cosines = unit @ unit[vocab.token_to_id(word)]
        same, different = ([vocab.token_to_id(w) for w in words - {word}] for words in (own, other))
        assert float(cosines[same].min()) > float(cosines[different].max())
    again, _ = train_glove(counts, recipe, progress=False, device=torch.device("cpu"))
    assert torch.equal(vectors, again)
    with pytest.raises(ValueError, match="no co-occurrences"):
        train_glove(Cooccurrences(torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64),
                                  torch.zeros(0), 5), GloVeRecipe(dim=2, epochs=1), progress=False)


def test_single_thread_setting_is_restored():
    before = torch.get_num_threads()
    cooccurrences(["a b"], Vocab(["a", "b"]))
    assert torch.get_num_threads() == before


def test_training_takes_adagrad_steps_on_the_weighted_loss_of_each_batch():
    """One epoch of train_glove equals AdaGrad written out by hand on the same shuffled batches."""
    texts = clustered_texts()
    vocab = Vocab.build(texts)
    counts = cooccurrences(texts, vocab)
    recipe = GloVeRecipe(dim=4, epochs=1, batch_size=64)
    vectors, losses = train_glove(counts, recipe, seed=3, progress=False, device=torch.device("cpu"))
    generator = torch.Generator().manual_seed(3)
    model = GloVeModel(len(vocab), 4, generator)
    sums = [torch.zeros_like(p) for p in model.parameters()]
    total = 0.0
    for batch in torch.randperm(len(counts), generator=generator).split(64):
        loss = glove_loss(model(counts.rows[batch], counts.cols[batch]), counts.values[batch])
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for parameter, grad, squared in zip(model.parameters(), grads, sums):
                squared += grad**2  # AdaGrad: each parameter's rate shrinks with its own gradient history
                parameter -= 0.05 * grad / (squared.sqrt() + 1e-10)
        total += loss.item()
    assert torch.allclose(vectors, model.vectors(), atol=1e-5)
    assert losses == [pytest.approx(total / len(counts), rel=1e-5)]
