"""The generated corpus: deterministic, its ground truth right, its splits clean, its bad input refused."""

from collections import Counter

import numpy as np
import pytest

from ptlib import data
from ptlib.config import CorpusSizes
from ptlib.data.microworld import build_world, general_corpus, lexicon, probes, tasks, unlabelled_reviews
from ptlib.data.microworld.world import RELATIONS

N = 6_000


@pytest.fixture(scope="module")
def corpus():
    return general_corpus(N, seed=3)


@pytest.fixture(scope="module")
def world():
    return build_world(3)


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    again = general_corpus(N, seed=3)
    assert corpus["train"]["text"] == again["train"]["text"]
    assert corpus["validation"]["label"] == again["validation"]["label"]
    assert corpus["train"]["text"] != general_corpus(N, seed=4)["train"]["text"]


def test_size_is_respected_and_documents_do_not_straddle_splits(corpus):
    assert len(corpus["train"]) + len(corpus["validation"]) == N
    assert not set(corpus["train"]["doc_id"]) & set(corpus["validation"]["doc_id"])
    assert set(corpus["train"]["kind"]) == {"agreement", "polysemy", "evaluation", "class", "fact", "filler"}


def test_every_annotation_points_at_its_word(corpus):
    for row in corpus["train"]:
        if row["position"] >= 0:
            assert row["text"].split()[row["position"]] == row["word"], row


def test_agreement_ground_truth(corpus):
    singular = {v[0] for v in lexicon.AGREEING_VERBS}
    plural_nouns = {p for _, p in lexicon.NOUN_PAIRS}
    rows = [r for r in corpus["train"] if r["kind"] == "agreement"]
    assert len(rows) > 500
    for row in rows:
        tokens = row["text"].split()
        assert (tokens[1] in plural_nouns) == (row["label"] == "plural")  # the subject's number
        assert (row["word"] in singular) == (row["label"] == "singular")  # the verb agrees
        assert row["distance"] == row["position"] - 1
    distances = Counter(r["distance"] for r in rows)
    assert min(distances) == 1 and max(distances) >= 12
    assert any(r["attractors"] > 0 for r in rows)


def test_polysemy_ground_truth(corpus):
    rows = [r for r in corpus["train"] if r["kind"] == "polysemy"]
    ambiguous = set(lexicon.SENSES)
    assert {r["word"] for r in rows} == ambiguous
    assert len({(r["word"], r["label"]) for r in rows}) >= 16
    for row in rows:
        before, after = lexicon.SENSES[row["word"]][row["label"]]
        left = " ".join(row["text"].split()[: row["position"]])
        assert any(left.endswith(b) for b in before), row
    # ambiguous words never occur outside their annotated sentences
    for row in corpus["train"]:
        if row["kind"] != "polysemy":
            assert not ambiguous & set(row["text"].split()), row


def test_evaluation_polarity_follows_negation(corpus):
    for row in (r for r in corpus["train"] if r["kind"] == "evaluation"):
        negated = "not" in row["text"].split()
        assert ((row["word"] in lexicon.POSITIVE) != negated) == (row["label"] == "positive")
        follow_ups = lexicon.POSITIVE_FOLLOW_UPS if row["label"] == "positive" else lexicon.NEGATIVE_FOLLOW_UPS
        assert any(f in row["text"] for f in follow_ups)


def test_facts_are_true_and_never_in_their_held_out_wording(corpus, world):
    truth = {f"{f.relation}:{f.entity}": f for f in world.facts}
    held_out_texts = {f.state(world.held_out_template(f)) for f in world.facts}
    rows = [r for r in corpus["train"] if r["kind"] == "fact"]
    assert rows
    for row in rows:
        assert truth[row["label"]].value == row["word"]
        assert row["text"] not in held_out_texts


def test_world_is_consistent(world):
    assert len(world.facts) == sum(
        len(world.entities[subject]) for subject, _, _ in RELATIONS.values()
    )
    years = [f.value for f in world.facts if f.relation == "founded_in"]
    assert len(set(years)) == len(years)  # a cloze on the founding year has one right answer
    for fact in world.facts:
        assert fact.value in world.candidates(fact.relation)
        assert world.held_out_template(fact) not in world.training_templates(fact)
        assert world.held_out_template(fact).rstrip(" .").endswith("{v}")


def test_fact_cloze_items_agree_with_the_world(corpus, world):
    items = probes.fact_cloze(world, corpus["train"])
    assert len(items) == len(world.facts)
    corpus_text = set(corpus["train"]["text"])
    counts = probes.fact_mentions(corpus["train"])
    for item, fact in zip(items, world.facts):
        assert item["answer"] == fact.value and item["answer"] in item["candidates"]
        assert item["prompt"] + " " + item["answer"] + " ." == item["text"]
        assert item["text"] not in corpus_text
        assert item["mentions"] == counts[f"{fact.relation}:{fact.entity}"]


def test_agreement_pairs_are_minimal_and_balanced():
    pairs = probes.agreement_pairs(200, seed=1)
    assert Counter(pairs["interveners"]) == {0: 50, 1: 50, 2: 50, 3: 50}
    verbs = {v[0]: v[1] for v in lexicon.AGREEING_VERBS}
    for item in pairs:
        assert {item["good"], item["bad"]} in [{s, p} for s, p in verbs.items()]
        assert (item["good"] in verbs) == (item["number"] == "singular")
        assert item["text"].startswith(item["prefix"] + " " + item["good"] + " ")
        assert len(item["prefix"].split()) == item["distance"] + 1


def test_sense_probes(corpus):
    occurrences = probes.sense_occurrences(corpus["train"])
    assert occurrences.column_names == ["text", "word", "sense", "position"]
    assert all(o["text"].split()[o["position"]] == o["word"] for o in occurrences)
    held_out = probes.held_out_senses(190, seed=1)
    per_sense = Counter(zip(held_out["word"], held_out["sense"]))
    assert len(per_sense) == sum(len(s) for s in lexicon.SENSES.values())
    assert max(per_sense.values()) - min(per_sense.values()) <= 1


@pytest.mark.parametrize("task", tasks.LABEL_NAMES)
def test_task_splits_do_not_leak(task):
    splits = tasks.load_task(task, 120, 80, 150, seed=2)
    keys = {name: {(r["text"], r.get("text_pair")) for r in split} for name, split in splits.items()}
    assert not keys["train"] & keys["test"] and not keys["train"] & keys["validation"]
    assert not keys["validation"] & keys["test"]
    assert splits["train"].features["label"].names == tasks.LABEL_NAMES[task]
    assert {len(s) for s in splits.values()} == {120, 80, 150}
    labels = np.array(splits["test"]["label"])
    assert 0.35 < labels.mean() < 0.65  # balanced classes


def test_pair_tasks_split_by_entity(world):
    for task in tasks.PAIR_TASKS:
        splits = tasks.load_task(task, 200, 100, 100, seed=3, world=world)
        entities = {name: set(split["entity"]) for name, split in splits.items()}
        assert not entities["train"] & entities["test"] and not entities["train"] & entities["validation"]
        for row in splits["test"]:
            assert row["entity"] in row["text"].split() and row["entity"] in row["text_pair"].split()


def test_task_labels_are_right():
    sentiment = tasks.load_task("sentiment", 300, 50, 50, seed=5)["train"]
    assert all(tasks.rule_based_sentiment(r["text"]) == r["label"] for r in sentiment)
    assert set(sentiment["construction"]) == {"plain", "contrast", "although"}
    singular = {v[0] for v in lexicon.AGREEING_VERBS} | {v[1] for v in lexicon.AGREEING_VERBS}
    for row in tasks.load_task("acceptability", 300, 50, 50, seed=5)["train"]:
        tokens = row["text"].split()
        verb = tokens[row["distance"] + 1]
        assert verb in singular
        plural_subject = tokens[1] in {p for _, p in lexicon.NOUN_PAIRS}
        plural_verb = verb in {v[1] for v in lexicon.AGREEING_VERBS}
        assert (plural_subject == plural_verb) == (row["label"] == 1)


def test_entailment_and_paraphrase_labels(world):
    truth = {(f.relation, f.entity): f.value for f in world.facts}
    for task, positive in (("entailment", 0), ("paraphrase", 1)):
        for row in tasks.load_task(task, 200, 50, 50, seed=3, world=world)["train"]:
            claim = row["text_pair"].split()
            value = truth[(row["relation"], row["entity"])]
            assert (value in claim) == (row["label"] == positive), row


def test_reviews_unlabelled_end_with_a_verdict_and_labelled_ones_do_not():
    verdicts = lexicon.POSITIVE_VERDICTS + lexicon.NEGATIVE_VERDICTS
    assert all(any(t.endswith(v) for v in verdicts) for t in unlabelled_reviews(50)["text"])
    labelled = tasks.load_task("sentiment", 50, 20, 20)["test"]["text"]
    assert not any(any(t.endswith(v) for v in verdicts) for t in labelled)


def test_word_frequencies_are_zipf_like(corpus):
    counts = np.array(sorted(Counter(w for t in general_corpus(30_000)["train"]["text"]
                                     for w in t.split()).values(), reverse=True), dtype=float)
    ranks = np.arange(1, len(counts) + 1)
    slope = np.polyfit(np.log(ranks[:1000]), np.log(counts[:1000]), 1)[0]
    assert -1.6 < slope < -0.8
    assert len(counts) > 2000 and (counts == 1).sum() > 100  # a long tail of rare words


@pytest.mark.parametrize("bad", [0, -5, 2.5, "100", True])
def test_bad_sizes_are_refused_clearly(bad):
    with pytest.raises((ValueError, TypeError), match="n_sentences"):
        general_corpus(bad)


def test_unknown_names_get_a_suggestion():
    with pytest.raises(data.UnknownNameError, match="Did you mean 'sentiment'"):
        data.load_task("sentimnet")
    with pytest.raises(data.UnknownNameError, match="Known corpus"):
        data.load_corpus("wikipedia")
    with pytest.raises(data.UnknownNameError, match="agreement"):
        data.load_probe("agrement")
    with pytest.raises(ValueError, match="train_size"):
        data.load_task("sentiment", train_size=0)


def test_unlabelled_texts_review_texts_and_course_vocab():
    sizes = CorpusSizes(sentences=400, reviews_unlabelled=40, vocab_min_count=3)
    general = general_corpus(400, seed=1)
    reviews = list(unlabelled_reviews(40, seed=1)["text"])
    train, validation = data.unlabelled_texts("general", sizes, seed=1)
    assert train == list(general["train"]["text"]) and validation == list(general["validation"]["text"])
    both, validation_both = data.unlabelled_texts("general+reviews", sizes, seed=1)
    assert both == train + reviews and validation_both == validation
    with pytest.raises(ValueError, match="unknown pre-training text 'reviews'"):
        data.unlabelled_texts("reviews", sizes)
    review_train, held_out = data.review_texts(sizes, seed=1)
    assert review_train == reviews
    assert held_out == list(unlabelled_reviews(100, seed=2)["text"])  # at least 100, from the next seed
    # the shared vocabulary: every word of all the unlabelled training text seen at least vocab_min_count times
    counts = Counter(w for t in both for w in t.split())
    vocab = data.course_vocab(sizes, seed=1)
    assert set(vocab.tokens[5:]) == {w for w, c in counts.items() if c >= 3}
    assert all(vocab.counts[w] == counts[w] for w in vocab.tokens[5:])
