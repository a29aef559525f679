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
