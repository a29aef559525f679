"""Reading the tasks' knowledge off a model: checked against the world that built each pair, against a
by-hand cosine and against a brute-force search for the best threshold."""

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers

from ptlib.analysis import task_knowledge
from ptlib.data import build_world
from ptlib.data.microworld.probes import agreement_pairs
from ptlib.data.microworld.tasks import load_task


@pytest.fixture(scope="module")
def world():
    return build_world(0)


@pytest.fixture(scope="module")
def entailment():
    return load_task("entailment", train_size=10, validation_size=2, test_size=200)["test"]


def test_a_reader_that_knows_every_linking_fact_gets_every_entailment_pair_right(world, entailment):
    keys = task_knowledge.linking_facts(world, entailment["relation"], entailment["entity"])
    value_of = {(fact.relation, fact.entity): fact.value for fact in world.facts}
    candidates = [world.candidates(relation) for relation, _ in keys]
    claimed = task_knowledge.claim_values(entailment["text_pair"], candidates)
    for (relation, entity), premise in zip(keys, entailment["text"]):
        assert relation in {"located_in", "university_in"} and f" {entity} " in f" {premise} "  # the premise's value
    labels = task_knowledge.entailment_reader([value_of[key] for key in keys], claimed)
    assert labels == entailment["label"]  # the task's own labels, made by tasks.py from the world
    wrong = task_knowledge.entailment_reader([f"not-{value_of[key]}" for key in keys], claimed)
    assert np.mean(np.array(wrong) == np.array(entailment["label"])) == pytest.approx(0.5, abs=0.01)


def test_a_claim_that_does_not_end_with_a_value_is_refused():
    assert task_knowledge.claim_values(["x was born in dufornia ."], [["dufornia", "batland"]]) == ["dufornia"]
    with pytest.raises(ValueError, match="does not end with one of"):
        task_knowledge.claim_values(["x was born in paris ."], [["dufornia", "batland"]])


def test_the_swapped_words_of_every_paraphrase_pair_are_synonyms_exactly_when_it_is_labelled_equivalent(world):
    test = load_task("paraphrase", train_size=10, validation_size=2, test_size=200)["test"]
    synonyms = world.synonyms()
    for text, pair, label in zip(test["text"], test["text_pair"], test["label"]):
        word, replacement = task_knowledge.swapped_words(text, pair)
        assert word in text.split() and replacement in pair.split() and word != replacement
        assert (synonyms.get(word) == replacement) == (label == 1)
    for first, second in (("a b c", "a b c"), ("a b c", "x y c"), ("a b", "a b c")):
        with pytest.raises(ValueError, match="differ in one word"):
            task_knowledge.swapped_words(first, second)


def test_word_cosines_average_each_words_pieces_and_say_which_words_are_whole():
    vocab = {"[UNK]": 0, "cat": 1, "dog": 2, "do": 3, "##g": 4, "ca": 5, "##t": 6}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    embeddings = torch.randn(len(vocab), 5, generator=torch.Generator().manual_seed(0))
    cosines, whole = task_knowledge.word_cosines(embeddings, tokenizer, [("cat", "dog"), ("cat", "dogg")])
    table = embeddings.numpy()

    def cosine(u, v):
        return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))

    assert cosines[0] == pytest.approx(cosine(table[1], table[2]), abs=1e-6)
    assert cosines[1] == pytest.approx(cosine(table[1], (table[2] + table[4]) / 2), abs=1e-6)  # dogg = dog ##g
    assert whole.tolist() == [True, False]


def test_the_threshold_reader_picks_the_threshold_a_brute_force_search_picks():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 300)
    scores = rng.normal(size=300) + labels  # informative, with overlap
    test = rng.normal(size=400)
    best = max(np.concatenate([[scores.min() - 1], scores]), key=lambda t: (((scores > t) == labels).sum(), -t))
    assert task_knowledge.threshold_reader(scores, labels, test).tolist() == (test > best).astype(int).tolist()
    # separable scores, given as torch numbers: every training pair right, and the test side of the gap follows
    separable = task_knowledge.threshold_reader(torch.tensor([0.1, 0.2, 0.8, 0.9]), [0, 0, 1, 1], [0.15, 0.85])
    assert separable.tolist() == [0, 1]
    with pytest.raises(ValueError, match="as many training labels"):
        task_knowledge.threshold_reader([0.1, 0.2], [1], [0.3])


def test_number_swaps_turn_each_probe_sentence_into_its_ungrammatical_twin(world):
    twins = task_knowledge.number_twins(world)
    assert {("is", "are"), ("was", "were"), ("does", "do")} <= set(twins.items())
    verb = world.verbs[next(iter(world.verbs))][-1]
    assert twins[verb.form("present", False)] == verb.form("present", True)
    items = agreement_pairs(300)  # the same world (seed 0) as the twins
    for text, prefix, good, bad in zip(items["text"], items["prefix"], items["good"], items["bad"]):
        broken = f"{prefix} {bad}{text[len(prefix) + 1 + len(good):]}"  # the probe's own minimal pair
        swaps = task_knowledge.number_swaps(text, twins)
        assert broken in swaps and text not in swaps
        assert all(len(swap.split()) == len(text.split()) for swap in swaps)


def test_the_acceptability_reader_accepts_a_sentence_no_swap_beats():
    readings = task_knowledge.acceptability_reader([-3.0, -5.0, -2.0, -1.0], [[-4.0, -3.0], [-4.0], [], [-1.0]])
    assert readings.tolist() == [1, 0, 1, 1]  # a tie keeps the sentence; no swaps: nothing to beat it
    with pytest.raises(ValueError, match="swaps' scores of every sentence"):
        task_knowledge.acceptability_reader([-1.0], [])
