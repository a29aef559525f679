"""The n-gram baseline: add-k probabilities by hand, a context of exactly order - 1 words, ties counted as wrong."""

import math

import pytest

from ptlib.models.ngram import NgramLM

TEXTS = ["the cat sat", "the cat ran", "the dog sat"]


def test_bigram_probabilities_are_the_add_k_formula():
    model = NgramLM(2, k=0.5).fit(TEXTS)
    vocabulary = {"<s>", "the", "cat", "dog", "sat", "ran"}
    # P(cat | the) = (count(the cat) + k) / (count(the) + k (|V| + 1)), counted by hand
    assert model.logprob("cat", "the") == pytest.approx(math.log((2 + 0.5) / (3 + 0.5 * (len(vocabulary) + 1))))
    assert model.logprob("sat", "a long story about the cat") == model.logprob("sat", "cat")  # one word of context
    total = sum(math.exp(model.logprob(w, "the")) for w in vocabulary | {"unseen"})
    assert total == pytest.approx(1.0)  # the unseen-word slot completes the distribution


def test_prefers_and_choose_read_only_the_last_words():
    model = NgramLM(2).fit(TEXTS)
    assert model.choose("the", ["dog", "cat"]) == "cat" and model.prefers("the", "cat", "dog") == 1.0
    assert model.prefers("the", "sat", "ran") == 0.5  # neither follows "the": a tie scores a coin flip
    assert model.prefers("the", "dog", "cat") == 0.0
    unigram = NgramLM(1).fit(TEXTS)
    assert unigram.choose("the dog", ["cat", "the"]) == "the"  # no context at all: the most frequent word
    with pytest.raises(ValueError, match="at least one candidate"):
        model.choose("the", [])
    with pytest.raises(ValueError, match="no tokens"):
        NgramLM(2).fit(["", "  "])


def test_kneser_ney_is_chen_and_goodmans_interpolated_formula_by_hand():
    bigram = NgramLM(2, smoothing="kneser-ney", discount=0.75).fit(TEXTS)
    d, predicted = 0.75, 5  # the, cat, dog, sat, ran: <s> is never predicted
    # unigram continuation counts, distinct left neighbours: the 1, cat 1, dog 1, sat 2 (cat, dog), ran 1; total 6
    p1_sat = (2 - d) / 6 + d * 5 / 6 * (1 / (predicted + 1))  # the uniform share keeps a slot for unseen words
    # bigram: "cat" is followed by sat and ran, once each
    p2_sat_cat = (1 - d) / 2 + d * 2 / 2 * p1_sat
    assert bigram.logprob("sat", "the cat") == pytest.approx(math.log(p2_sat_cat))
    assert bigram.logprob("sat", "zebra") == pytest.approx(math.log(p1_sat))  # an unseen context: the unigram
    trigram = NgramLM(3, smoothing="kneser-ney", discount=0.75).fit(TEXTS)
    # order 2 in a trigram model counts continuations: "cat sat" and "cat ran" follow one word each ("the")
    p2_sat_cat_continued = (1 - d) / 2 + d * 2 / 2 * p1_sat
    assert trigram.logprob("sat", "dog cat") == pytest.approx(math.log(p2_sat_cat_continued))  # "dog cat" unseen
    assert trigram.logprob("sat", "the cat") == pytest.approx(math.log((1 - d) / 2 + d * 2 / 2 * p2_sat_cat_continued))
    # the dog is seen after "the" once among three: the raw count at the top order, not a continuation count
    p1_dog = (1 - d) / 6 + d * 5 / 6 / (predicted + 1)
    p2_dog_the = (1 - d) / 2 + d * 2 / 2 * p1_dog  # "the dog", "the cat" each follow one word (<s>)
    assert trigram.logprob("dog", "<s> the") == pytest.approx(math.log((1 - d) / 3 + d * 2 / 3 * p2_dog_the))


@pytest.mark.parametrize("order", [1, 2, 3])
def test_kneser_ney_probabilities_sum_to_one_in_any_context(order):
    model = NgramLM(order, smoothing="kneser-ney").fit(TEXTS + ["a cat sat on the dog", "the dog ran"])
    words = sorted(model.targets) + ["unseen"]
    for prefix in ("the", "the cat", "dog cat", "zebra", "", "on the"):
        assert sum(math.exp(model.logprob(w, prefix)) for w in words) == pytest.approx(1.0)


def test_unknown_smoothing_and_discounts_out_of_range_are_refused():
    with pytest.raises(ValueError, match="unknown smoothing"):
        NgramLM(2, smoothing="good-turing")
    for discount in (0, 1, 1.5):
        with pytest.raises(ValueError, match="discount must lie between 0 and 1"):
            NgramLM(2, smoothing="kneser-ney", discount=discount)


def test_perplexity_is_the_exponential_of_the_mean_surprise_over_a_stream():
    model = NgramLM(2, smoothing="kneser-ney").fit(TEXTS)
    stream = "the cat sat the dog ran".split()
    # by hand: the first token has no context (the beginning mark), then one word of context each
    surprises = [-model.logprob("the", [])] + [-model.logprob(w, [p]) for p, w in zip(stream, stream[1:])]
    assert model.perplexity(stream) == pytest.approx(math.exp(sum(surprises) / len(stream)))
    uniform = NgramLM(1, k=1e9).fit(TEXTS)  # add-k with a huge k: every word equally likely, unseen ones too
    assert uniform.perplexity(stream) == pytest.approx(len(uniform.vocabulary) + 1, rel=1e-6)
    with pytest.raises(ValueError, match="at least one token"):
        model.perplexity([])


def test_ngram_perplexities_read_both_texts_over_the_lms_vocabulary():
    from ptlib.data.vocab import Vocab
    from ptlib.experiments.language_modelling import ngram_perplexities

    vocab = Vocab(["the", "cat", "sat", "dog"])  # "ran", "mat" and "on" are out of it
    train, validation = ["the cat sat", "the cat ran"], ["the dog sat on the mat"]
    by_hand = {}
    for order, name in ((2, "bigram"), (3, "trigram")):
        model = NgramLM(order, smoothing="kneser-ney").fit(["the cat sat the cat [UNK]"])  # one stream, OOV as [UNK]
        by_hand[name] = model.perplexity("the dog sat [UNK] the [UNK]".split())
    assert ngram_perplexities(vocab, train, validation) == pytest.approx(by_hand)
