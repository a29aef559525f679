"""The generated corpus: deterministic, its ground truth right, its splits clean, its bad input refused."""

from collections import Counter

import numpy as np
import pytest

from ptlib import data
from ptlib.config import CorpusSizes
from ptlib.data.microworld import build_world, general_corpus, lexicon, nsp, probes, tasks, unlabelled_reviews
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
    assert set(corpus["train"]["kind"]) == {"agreement", "polysemy", "evaluation", "fact", "everyday"}


def test_every_annotation_points_at_its_word(corpus):
    for row in corpus["train"]:
        if row["position"] >= 0:
            assert row["text"].split()[row["position"]] == row["word"], row


def _forms(world):
    """Independent of the generator: every singular noun, and the verb forms that go with each number."""
    nouns = {w for name in lexicon.NOUN_CLASSES for w in world.class_members(name)}
    verbs = [v for members in world.verbs.values() for v in members]
    singular = {v.third for v in verbs} | {"is", "was", "does", "has"}
    plural = {v.base for v in verbs} | {"are", "were", "do", "have"}
    return nouns, singular, plural


def test_agreement_ground_truth(corpus, world):
    nouns, singular, plural = _forms(world)
    rows = [r for r in corpus["train"] if r["kind"] == "agreement"]
    assert len(rows) > 500
    for row in rows:
        tokens = row["text"].split()
        assert (tokens[1] in nouns) == (row["label"] == "singular"), row  # the subject's number
        assert row["word"] in (singular if row["label"] == "singular" else plural), row  # the verb agrees
        assert row["wrong"] in (plural if row["label"] == "singular" else singular), row
        assert row["distance"] == row["position"] - 1
    distances = Counter(r["distance"] for r in rows)
    assert min(distances) == 1 and max(distances) >= 12
    assert any(r["attractors"] > 0 for r in rows)


def test_polysemy_sense_is_signalled_only_by_its_topic_words(corpus, world):
    rows = [r for r in corpus["train"] if r["kind"] == "polysemy"]
    ambiguous = set(lexicon.SENSES)
    assert {r["word"] for r in rows} == ambiguous
    assert len({(r["word"], r["label"]) for r in rows}) == sum(len(s) for s in lexicon.SENSES.values())
    topic_words = {topic: set(words) | {f for v in lexicon.TOPIC_VERBS.get(topic, ()) for f in v}
                   for topic, words in world.topic_words.items()}
    for row in rows:
        tokens = row["text"].split()
        own = topic_words[lexicon.SENSES[row["word"]][row["label"]]]
        assert sum(t in own for t in tokens) == row["cues"], row
        others = set().union(*(words for topic, words in topic_words.items() if words is not own))
        assert not others & set(tokens) - own, row  # no other topic's word gives a false cue
    assert {r["cues"] for r in rows} == {0, 1, 2, 3}  # some uses carry no cue in their own sentence
    for row in corpus["train"]:  # ambiguous words never occur outside their annotated sentences
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
    rows = [r for r in corpus["train"] if r["kind"] == "fact"]
    assert rows
    for row in rows:
        fact = truth[row["label"]]
        assert fact.value == row["word"] and fact.entity in row["text"].split()
        # the held-out wording's own words before the value never precede it for this fact
        held_out = world.held_out_template(fact).split("{v}")[0].split("{e}")[-1].split()
        if held_out:
            assert row["text"].split()[row["position"] - len(held_out): row["position"]] != held_out, row


def test_world_is_consistent(world):
    assert len(world.facts) == sum(len(world.entities[subject]) for subject, _, _ in RELATIONS.values())
    assert len(world.facts) >= 4_000
    years = [f.value for f in world.facts if f.relation == "founded_in"]
    assert len(set(years)) == len(years)  # a cloze on the founding year has one right answer
    for fact in world.facts:
        assert fact.value in world.candidates(fact.relation)
        assert world.held_out_template(fact) not in world.training_templates(fact)
        assert world.held_out_template(fact).rstrip(" .").endswith("{v}")
    synonyms = world.synonyms()
    assert len(synonyms) > 500 and all(synonyms[synonyms[w]] == w != synonyms[w] for w in synonyms)
    words = [w for name in lexicon.NOUN_CLASSES for w in world.class_members(name)]
    assert len(words) == len(set(words))  # no spelling in two lexemes or classes


def test_fact_mentions_have_a_long_tail(world):
    counts = probes.fact_mentions(general_corpus(30_000, seed=3)["train"])
    mentions = np.array([counts.get(f"{f.relation}:{f.entity}", 0) for f in world.facts])
    assert (mentions >= 20).sum() >= 20 and (mentions == 0).sum() > len(mentions) / 4
    assert ((mentions >= 1) & (mentions < 5)).sum() > (mentions >= 20).sum() * 5


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


def test_seen_wording_facts_use_a_training_wording_and_the_corpus_states_some_of_them(corpus, world):
    held_out = probes.fact_cloze(world, corpus["train"])
    seen = probes.fact_cloze(world, corpus["train"], wording="seen")
    corpus_text = set(corpus["train"]["text"])
    for item, other, fact in zip(seen, held_out, world.facts):
        template = next(t for t in RELATIONS[fact.relation][2] if fact.state(t) == item["text"])
        assert template != world.held_out_template(fact) and template.rstrip(" .").endswith("{v}")
        assert item["prompt"] + " " + item["answer"] + " ." == item["text"]
        assert {k: item[k] for k in ("answer", "candidates", "mentions")} == {
            k: other[k] for k in ("answer", "candidates", "mentions")}
    # In a seen wording some facts are in the corpus word for word; in the held-out one none is.
    assert sum(item["text"] in corpus_text for item in seen) > 50
    assert list(probes.fact_cloze(world, wording="seen")["text"]) == list(seen["text"])  # the same wording each call
    with pytest.raises(ValueError, match="unknown fact wording 'unseen'"):
        probes.fact_cloze(world, wording="unseen")


def test_agreement_pairs_are_minimal_balanced_and_held_out(corpus):
    world = build_world(1)
    nouns, singular, plural = _forms(world)
    pairs = probes.agreement_pairs(200, seed=1)
    assert Counter(pairs["interveners"]) == {0: 50, 1: 50, 2: 50, 3: 50}
    for item in pairs:
        assert item["good"] in (singular if item["number"] == "singular" else plural)
        assert item["bad"] in (plural if item["number"] == "singular" else singular)
        assert item["text"].startswith(item["prefix"] + " " + item["good"] + " ")
        assert len(item["prefix"].split()) == item["distance"] + 1
    assert not set(pairs["text"]) & set(general_corpus(N, seed=1)["train"]["text"])


def test_sense_probes(corpus):
    occurrences = probes.sense_occurrences(corpus["train"])
    assert occurrences.column_names == ["text", "word", "sense", "position", "cues"]
    assert all(o["text"].split()[o["position"]] == o["word"] for o in occurrences)
    held_out = probes.held_out_senses(180, seed=3)
    per_sense = Counter(zip(held_out["word"], held_out["sense"]))
    assert len(per_sense) == sum(len(s) for s in lexicon.SENSES.values())
    assert max(per_sense.values()) - min(per_sense.values()) <= 1
    assert not set(held_out["text"]) & set(corpus["train"]["text"])


def test_sentences_rarely_repeat(corpus):
    texts = Counter(corpus["train"]["text"])
    repeated = sum(n for n in texts.values() if n > 1)
    assert repeated / len(corpus["train"]) <= 0.05


@pytest.mark.parametrize("task", tasks.LABEL_NAMES)
def test_task_splits_do_not_leak_and_are_balanced(task):
    splits = tasks.load_task(task, 120, 81, 150, seed=2)
    keys = {name: {(r["text"], r.get("text_pair")) for r in split} for name, split in splits.items()}
    assert not keys["train"] & keys["test"] and not keys["train"] & keys["validation"]
    assert not keys["validation"] & keys["test"]
    assert splits["train"].features["label"].names == tasks.LABEL_NAMES[task]
    assert {len(s) for s in splits.values()} == {120, 81, 150}
    for split in splits.values():
        counts = Counter(split["label"])
        assert abs(counts[0] - counts[1]) <= 1  # balanced by construction


def test_pair_tasks_split_by_what_the_knowledge_is_about(world):
    for task in tasks.PAIR_TASKS:
        splits = tasks.load_task(task, 200, 100, 100, seed=3, world=world)
        entities = {name: set(split["entity"]) for name, split in splits.items()}
        assert not entities["train"] & entities["test"] and not entities["train"] & entities["validation"]
    lexemes = {lexeme[0]: lexeme for name in lexicon.NOUN_CLASSES for lexeme in world.nouns[name]}
    for row in splits["test"]:
        assert set(lexemes[row["entity"]]) & set(row["text"].split())


def test_task_labels_are_right(world):
    sentiment = tasks.load_task("sentiment", 300, 50, 50, seed=5)["train"]
    assert all(tasks.rule_based_sentiment(r["text"]) == r["label"] for r in sentiment)
    assert set(sentiment["construction"]) == {"plain", "contrast", "although"}
    world5 = build_world(5)
    nouns, singular, plural = _forms(world5)
    for row in tasks.load_task("acceptability", 300, 50, 50, seed=5, world=world5)["train"]:
        tokens = row["text"].split()
        verb = tokens[row["distance"] + 1]
        agrees = verb in (singular if tokens[1] in nouns else plural)
        assert agrees == (row["label"] == 1), row


def test_entailment_labels_follow_from_world_knowledge(world):
    truth = {(f.relation, f.entity): f.value for f in world.facts}
    links = {"born_in": "located_in", "studied_at": "university_in"}
    for row in tasks.load_task("entailment", 300, 50, 50, seed=3, world=world)["train"]:
        premise_value = truth[(row["relation"], row["entity"])]
        assert premise_value in row["text"].split()
        claimed = row["text_pair"].split()[-2]
        follows = truth[(links[row["relation"]], premise_value)] == claimed
        assert follows == (row["label"] == 0), row  # 0 is "entailment"
        assert claimed not in row["text"].split()  # the claim's value is never in the input


def test_paraphrase_pairs_differ_in_one_noun_and_are_equivalent_only_for_synonyms(world):
    synonyms = world.synonyms()
    for row in tasks.load_task("paraphrase", 300, 50, 50, seed=3, world=world)["train"]:
        first, second = row["text"].split(), row["text_pair"].split()
        differing = [(a, b) for a, b in zip(first, second) if a != b]
        assert len(first) == len(second) and len(differing) == 1, row
        a, b = differing[0]
        assert (synonyms.get(a) == b) == (row["label"] == 1), row


def test_reviews_unlabelled_end_with_a_verdict_and_labelled_ones_do_not():
    verdicts = lexicon.POSITIVE_VERDICTS + lexicon.NEGATIVE_VERDICTS
    assert all(any(t.endswith(v) for v in verdicts) for t in unlabelled_reviews(50)["text"])
    labelled = tasks.load_task("sentiment", 50, 20, 20)["test"]["text"]
    assert not any(any(t.endswith(v) for v in verdicts) for t in labelled)


def test_word_frequencies_are_zipf_like():
    counts = np.array(sorted(Counter(w for t in general_corpus(30_000)["train"]["text"]
                                     for w in t.split()).values(), reverse=True), dtype=float)
    ranks = np.arange(1, len(counts) + 1)
    slope = np.polyfit(np.log(ranks[9:1000]), np.log(counts[9:1000]), 1)[0]
    assert -1.3 < slope < -0.8
    assert len(counts) > 6_000 and (counts == 1).sum() > 500  # a long tail of rare words


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
    assert validation_both == validation
    assert [t for t in both if t not in reviews] == train and [t for t in both if t in reviews] == reviews
    assert both[: len(both) // 2].count(reviews[len(reviews) // 2 + 2]) == 0  # spread through, not bunched up front
    assert any(t in reviews for t in both[: len(both) // 4]) and any(t in reviews for t in both[-len(both) // 4:])
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


@pytest.mark.parametrize("negatives", nsp.NEGATIVES)
def test_next_sentence_pairs(corpus, negatives):
    train = corpus["train"]
    texts, doc_ids = train["text"], train["doc_id"]
    doc_of: dict[str, set[int]] = {}
    for text, doc_id in zip(texts, doc_ids):
        doc_of.setdefault(text, set()).add(doc_id)
    successors = {(texts[i], texts[i + 1]) for i in range(len(texts) - 1) if doc_ids[i] == doc_ids[i + 1]}
    pairs = nsp.next_sentence_pairs(train, 401, negatives, seed=1)
    assert len(pairs) == 401 and abs(sum(pairs["label"]) - 200.5) <= 0.5
    assert pairs.features["label"].names == ["is_next", "not_next"]
    for row in pairs:
        pair = (row["text"], row["text_pair"])
        if row["label"] == 0:
            assert pair in successors
            continue
        assert pair not in successors
        same_document = bool(doc_of[row["text"]] & doc_of[row["text_pair"]])
        assert same_document == (negatives == "same_document"), row
    with pytest.raises(ValueError, match="unknown negatives"):
        nsp.next_sentence_pairs(train, 10, "shuffled")


def test_next_sentence_pairs_of_spans_are_runs_of_consecutive_sentences(corpus):
    train = corpus["train"]
    texts, doc_ids = train["text"], train["doc_id"]
    runs: dict[str, set] = {}  # every run of 1-3 consecutive sentences of one document -> its (document, first, last)
    for start in range(len(texts)):
        for stop in range(start + 1, min(start + 4, len(texts) + 1)):
            if doc_ids[stop - 1] != doc_ids[start]:
                break
            runs.setdefault(" ".join(texts[start:stop]), set()).add((doc_ids[start], start, stop - 1))
    pairs = nsp.next_sentence_pairs(train, 300, seed=2, span=3)
    lengths = []
    for row in pairs:
        firsts, seconds = runs[row["text"]], runs[row["text_pair"]]
        lengths.append(min(last - first + 1 for _, first, last in firsts))
        follows = any(b[0] == a[0] and b[1] == a[2] + 1 for a in firsts for b in seconds)
        same_document = any(b[0] == a[0] for a in firsts for b in seconds)
        # is_next: B starts right where A ends, in the same document; a negative comes from another document
        assert follows if row["label"] == 0 else not same_document, row
    assert max(lengths) == 3 and min(lengths) == 1  # whole spans where the document allows, shorter at its start
    one_sentence = nsp.next_sentence_pairs(train, 50, seed=2, span=1)
    assert one_sentence["text"] == nsp.next_sentence_pairs(train, 50, seed=2)["text"]
    with pytest.raises(ValueError, match="span must be positive"):
        nsp.next_sentence_pairs(train, 10, span=0)


def test_review_polarity_labels_each_review_by_its_verdict_not_its_first_word():
    items = probes.review_polarity(400, seed=3)
    simple = [row for row in items if not {"not", "but", "although"} & set(row["text"].split())]
    turned = [row for row in items if {"but", "although"} & set(row["text"].split())]
    assert simple and turned
    # one plain clause: the word's polarity is the review's; in a contrast the second clause wins
    assert all(row["label"] == row["polarity"] for row in simple)
    assert all(row["label"] != row["polarity"] for row in turned if "not" not in row["text"].split())


def test_interleaved_reviews_are_spread_evenly_between_whole_documents():
    doc_ids = [d for d in range(50) for _ in range(1 + d % 3)]  # 50 documents of 1-3 sentences
    sentences = [f"s{i}" for i in range(len(doc_ids))]
    inserts = [f"r{k}" for k in range(20)]
    mixed = data.interleave_documents(sentences, doc_ids, inserts)
    assert [t for t in mixed if t.startswith("s")] == sentences and [t for t in mixed if t.startswith("r")] == inserts
    document_of = dict(zip(sentences, doc_ids))
    # no insert inside a document: the sentences of each document stay next to each other
    runs = [document_of[t] for t in mixed if t.startswith("s")]
    positions = {d: [i for i, t in enumerate(mixed) if t.startswith("s") and document_of[t] == d] for d in range(50)}
    assert all(p == list(range(p[0], p[0] + len(p))) for p in positions.values()) and len(runs) == len(sentences)
    # evenly: before the start of document d come about d / 50 of the inserts (within one)
    for d in range(50):
        before = sum(t.startswith("r") for t in mixed[: positions[d][0]])
        assert abs(before - d * len(inserts) / 50) <= 1, (d, before)


def test_a_world_without_synonyms_gets_a_clear_error_for_paraphrase_not_a_hang():
    from ptlib.data.microworld.world import WorldSizes

    world = build_world(0, WorldSizes(synonym_share=0.0))
    with pytest.raises(ValueError, match="no noun class with two synonym lexemes"):
        tasks.load_task("paraphrase", 10, 2, 10, world=world)
