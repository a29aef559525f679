"""The bag-of-words baseline: it learns which words a text holds, repeats with a seed, and cannot see order."""

import torch

from ptlib.models.bag_of_words import BagOfWords

TEXTS = ["good film", "great film", "bad film", "awful film"] * 5
LABELS = [1, 1, 0, 0] * 5


def test_it_learns_word_presence_and_repeats_exactly_with_a_seed():
    first = BagOfWords().fit(TEXTS, LABELS)
    again = BagOfWords().fit(TEXTS, LABELS)
    assert first.accuracy(TEXTS, LABELS) == 1.0
    assert torch.equal(first.linear.weight, again.linear.weight)  # torch's own start seed differs per process
    other = BagOfWords().fit(TEXTS, LABELS, steps=1, seed=1)
    assert not torch.equal(BagOfWords().fit(TEXTS, LABELS, steps=1).linear.weight, other.linear.weight)


def test_word_order_is_invisible_to_it():
    model = BagOfWords().fit(["not good , bad", "good , not bad"], [0, 1])
    first, second = model.predict(["not good , bad", "good , not bad"]).tolist()
    assert first == second  # the same words in another order: the same features, the same answer
