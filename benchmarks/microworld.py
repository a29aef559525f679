"""Figures for the generated corpus: how fast it is made, and that its probes are not trivial.

- generation speed (tokens per second, seconds for a million tokens);
- variety: the share of sentences whose text occurs more than once;
- vocabulary: types, hapaxes, the Zipf slope of rank against frequency over ranks 10-1,000;
- facts: how many, and how many are mentioned 0, 1-4, 5-19 and 20+ times (the long tail);
- balance: the largest gap between the two labels' shares in any split of any task;
- pair tasks: a bag of words over both texts, trained on 4,000 labels, should sit near chance (no shortcut);
- agreement minimal pairs: unigram / bigram / trigram accuracy by number of intervening phrases
  (a model that sees only the last word or two should sit near chance once the subject is far away);
- fact cloze on held-out wordings: n-gram accuracy against chance;
- reviews: a bag-of-words classifier trained on plenty of labels against the compositional rule
  (a reader who understands negation and contrast).

Run: ``python benchmarks/microworld.py`` (a minute or two on a 2-core CPU).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import datasets
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib.config import FULL  # noqa: E402
from ptlib.data.microworld import build_world, general_corpus, probes, tasks  # noqa: E402
from ptlib.models.bag_of_words import BagOfWords  # noqa: E402
from ptlib.models.ngram import NgramLM  # noqa: E402

FACT_BANDS = {"0": (0, 0), "1-4": (1, 4), "5-19": (5, 19), "20+": (20, 10**9)}


def main() -> None:
    datasets.disable_progress_bars()
    figures: dict[str, float | int | str] = {}
    started = time.perf_counter()
    corpus = general_corpus(FULL.corpus.sentences, seed=0)
    seconds = time.perf_counter() - started
    train = corpus["train"]["text"]
    counts = Counter(w for text in train for w in text.split())
    tokens = sum(counts.values()) + sum(len(t.split()) for t in corpus["validation"]["text"])
    figures["generation_tokens"] = tokens
    figures["generation_seconds"] = round(seconds, 2)
    figures["seconds_per_million_tokens"] = round(seconds / tokens * 1e6, 2)
    texts = Counter(train)
    figures["sentences"] = len(train)
    figures["repeated_sentence_share"] = round(sum(n for n in texts.values() if n > 1) / len(train), 4)
    figures["distinct_sentence_share"] = round(len(texts) / len(train), 4)
    figures["top_sentence_count"] = texts.most_common(1)[0][1]
    figures["vocabulary_types"] = len(counts)
    figures["types_seen_twice_or_more"] = sum(1 for c in counts.values() if c >= 2)
    figures["hapax_types"] = sum(1 for c in counts.values() if c == 1)
    frequencies = np.array(sorted(counts.values(), reverse=True), dtype=float)
    ranks = np.arange(1, len(frequencies) + 1)
    slope = np.polyfit(np.log(ranks[9:1000]), np.log(frequencies[9:1000]), 1)[0]
    figures["zipf_slope_ranks_10_1000"] = round(float(slope), 2)
    world = build_world(0)
    mentions = probes.fact_mentions(corpus["train"])
    per_fact = np.array([mentions.get(f"{f.relation}:{f.entity}", 0) for f in world.facts])
    figures["facts"] = len(per_fact)
    for band, (low, high) in FACT_BANDS.items():
        figures[f"facts_mentioned_{band}"] = int(((per_fact >= low) & (per_fact <= high)).sum())

    models = {name: NgramLM(order).fit(train) for name, order in (("unigram", 1), ("bigram", 2), ("trigram", 3))}
    pairs = probes.agreement_pairs(2000, seed=1)
    for name, model in models.items():
        for interveners in range(probes.MAX_INTERVENERS + 1):
            items = pairs.filter(lambda n, k=interveners: n == k, input_columns="interveners")
            correct = [model.prefers(i["prefix"], i["good"], i["bad"]) for i in items]
            figures[f"agreement_{name}_interveners{interveners}"] = round(float(np.mean(correct)), 3)
    long_distance = pairs.filter(lambda d: d >= 8, input_columns="distance")
    figures["agreement_long_items(distance>=8)"] = len(long_distance)
    for name, model in models.items():
        correct = [model.prefers(i["prefix"], i["good"], i["bad"]) for i in long_distance]
        figures[f"agreement_{name}_distance>=8"] = round(float(np.mean(correct)), 3)

    cloze = probes.fact_cloze(world, corpus["train"])
    figures["cloze_items"] = len(cloze)
    figures["cloze_chance"] = round(float(np.mean([1 / len(c) for c in cloze["candidates"]])), 3)
    for name, model in models.items():
        hits = np.array([model.choose(i["prompt"], i["candidates"]) == i["answer"] for i in cloze])
        figures[f"cloze_{name}"] = round(float(hits.mean()), 3)
        for band, (low, high) in FACT_BANDS.items():
            chosen = (np.array(cloze["mentions"]) >= low) & (np.array(cloze["mentions"]) <= high)
            figures[f"cloze_{name}_mentioned_{band}"] = round(float(hits[chosen].mean()), 3)

    largest_gap = 0.0
    for task in tasks.LABEL_NAMES:
        splits = tasks.load_task(task, 4000, 500, FULL.tasks.test, seed=0, world=world)
        for split in splits.values():
            largest_gap = max(largest_gap, abs(float(np.mean(split["label"])) - 0.5))
        if task in tasks.PAIR_TASKS:
            joined = {name: [f"{a} [SEP] {b}" for a, b in zip(split["text"], split["text_pair"])]
                      for name, split in splits.items()}
            bow = BagOfWords().fit(joined["train"], splits["train"]["label"])
            figures[f"{task}_bow_train4000_test_accuracy"] = round(bow.accuracy(joined["test"],
                                                                                splits["test"]["label"]), 3)
    figures["largest_label_share_gap_from_half"] = round(largest_gap, 4)

    reviews = tasks.load_task("sentiment", 4000, 500, FULL.tasks.test, seed=0)
    test = reviews["test"]
    bow = BagOfWords().fit(reviews["train"]["text"], reviews["train"]["label"])
    figures["reviews_bow_train4000_test_accuracy"] = round(bow.accuracy(test["text"], test["label"]), 3)
    for construction in ("plain", "contrast", "although"):
        part = test.filter(lambda c, k=construction: c == k, input_columns="construction")
        figures[f"reviews_bow_{construction}"] = round(bow.accuracy(part["text"], part["label"]), 3)
    rule = [tasks.rule_based_sentiment(t) == y for t, y in zip(test["text"], test["label"])]
    figures["reviews_compositional_rule_accuracy"] = round(float(np.mean(rule)), 3)
    figures["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    write_results("microworld", figures)


if __name__ == "__main__":
    main()
