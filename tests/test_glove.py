"""GloVe: co-occurrence counts, the weighting and the loss against their formulas, training, the cache, text files."""

import math
from collections import defaultdict

import pytest
import torch

from ptlib import config, glove
from ptlib.vocab import SPECIAL_TOKENS, Vocab

TINY = config.sizes("quick", corpus_sentences=400, reviews_unlabelled=40, glove_dim=8, glove_epochs=3,
                    glove_batch_size=256)


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
        counts = glove.cooccurrences(texts, vocab, window=window)
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
        glove.cooccurrences("a a a", vocab)
    with pytest.raises(ValueError, match="window"):
        glove.cooccurrences(["a a"], vocab, window=0)


def test_weighting_is_the_published_function():
    x = torch.tensor([1.0, 10.0, 50.0, 100.0, 400.0])
    expected = torch.tensor([(1 / 100) ** 0.75, (10 / 100) ** 0.75, 0.5**0.75, 1.0, 1.0])
    assert torch.allclose(glove.weighting(x), expected)
    assert torch.allclose(glove.weighting(x, x_max=10, alpha=1.0), torch.tensor([0.1, 1.0, 1.0, 1.0, 1.0]))


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
    assert float(glove.glove_loss(w, w_tilde, b, b_tilde, rows, cols, values)) == pytest.approx(expected, rel=1e-5)


def clustered_texts():
    # Two groups of words that never meet: after training, a word's nearest word is in its own group.
    left, right = ["cat", "dog", "cow"], ["car", "bus", "van"]
    return [f"the {a} and the {b} ate hay" for a in left for b in left if a != b] * 5 + \
           [f"a {a} or a {b} took fuel" for a in right for b in right if a != b] * 5


def test_training_fits_the_counts_and_repeats_with_a_seed():
    texts = clustered_texts()
    vocab = Vocab.build(texts)
    counts = glove.cooccurrences(texts, vocab)
    vectors, losses = glove.train_glove(counts, dim=8, epochs=60, batch_size=32, progress=False,
                                        device=torch.device("cpu"))
    assert vectors.shape == (len(vocab), 8) and len(losses) == 60
    assert losses[-1] < losses[0] / 5
    unit = torch.nn.functional.normalize(vectors, dim=1)
    animals, vehicles = {"cat", "dog", "cow"}, {"car", "bus", "van"}
    for word, own, other in (("cat", animals, vehicles), ("bus", vehicles, animals)):
        cosines = unit @ unit[vocab.token_to_id(word)]
        same, different = ([vocab.token_to_id(w) for w in words - {word}] for words in (own, other))
        assert float(cosines[same].min()) > float(cosines[different].max())
    again, _ = glove.train_glove(counts, dim=8, epochs=60, batch_size=32, progress=False,
                                 device=torch.device("cpu"))
    assert torch.equal(vectors, again)
    with pytest.raises(ValueError, match="no co-occurrences"):
        glove.train_glove(glove.Cooccurrences(torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64),
                                              torch.zeros(0), 5), dim=2, epochs=1, progress=False)


def test_single_thread_setting_is_restored():
    before = torch.get_num_threads()
    glove.cooccurrences(["a b"], Vocab(["a", "b"]))
    assert torch.get_num_threads() == before


def test_pretrained_glove_is_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = glove.pretrained_glove(TINY, progress=False)
    assert len(list(tmp_path.glob("pretrained-glove-*.pt"))) == 1
    assert first.vectors.shape == (len(first.vocab), TINY.glove_dim) and len(first.losses) == TINY.glove_epochs
    assert first.observed[first.vocab.token_to_id("the")] and not first.observed[: len(SPECIAL_TOKENS)].any()
    calls = []
    monkeypatch.setattr(glove, "train_glove", lambda *a, **k: calls.append(1))
    again = glove.pretrained_glove(TINY, progress=False)
    assert not calls and torch.equal(again.vectors, first.vectors) and again.vocab == first.vocab
    assert glove.glove_recipe(TINY, 0) != glove.glove_recipe(config.sizes("quick", glove_dim=9), 0)


def write(tmp_path, text, name="vectors.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_glove_text_reads_words_and_vectors(tmp_path):
    path = write(tmp_path, "the 0.1 0.2 -0.3\ncat 1 2 3\n\ndog 4e-1 5 6\n")
    loaded = glove.load_glove_text(path)
    assert loaded.vocab.tokens == [*SPECIAL_TOKENS, "the", "cat", "dog"]
    assert torch.allclose(loaded.vectors[loaded.vocab.token_to_id("dog")], torch.tensor([0.4, 5.0, 6.0]))
    assert loaded.vectors[: len(SPECIAL_TOKENS)].abs().sum() == 0
    assert loaded.observed.tolist() == [False] * len(SPECIAL_TOKENS) + [True] * 3
    header = glove.load_glove_text(write(tmp_path, "2 2\ncat 1 2\ndog 3 4\n", "w2v.txt"))  # word2vec-style header
    assert header.vocab.tokens[len(SPECIAL_TOKENS):] == ["cat", "dog"]


def test_load_glove_text_follows_a_given_vocabulary(tmp_path):
    path = write(tmp_path, "cat 1 2\nzebra 9 9\nthe 3 4\n")
    vocab = Vocab(["the", "cat", "dog"])
    loaded = glove.load_glove_text(path, vocab)
    assert loaded.vocab is vocab and loaded.vectors.shape == (len(vocab), 2)
    assert loaded.vectors[vocab.token_to_id("the")].tolist() == [3.0, 4.0]
    dog = vocab.token_to_id("dog")
    assert loaded.vectors[dog].tolist() == [0.0, 0.0] and not loaded.observed[dog]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cat 1 2 3\ndog 1 2\n", "line 2: 2 numbers after 'dog', expected 3"),
        ("cat 1 2\ndog 1 x\n", "line 2: 'x' after 'dog' is not a number"),
        ("cat 1 2\ncat 3 4\n", "line 2: 'cat' already appeared on line 1"),
        ("cat\n", "line 1: the word 'cat' has no numbers"),
        ("", "is empty"),
        ("\n\n", "is empty"),
    ],
)
def test_load_glove_text_names_the_bad_line(tmp_path, text, message):
    with pytest.raises(glove.GloVeFileError, match=message):
        glove.load_glove_text(write(tmp_path, text))


def test_load_glove_text_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="no such file. Download GloVe vectors"):
        glove.load_glove_text(tmp_path / "glove.6B.50d.txt")
