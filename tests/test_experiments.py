"""Learning-curve helpers: balanced, repeatable subsamples shared by all methods; honest summaries."""

from collections import Counter

import pytest

from ptlib import experiments

EXAMPLES = [(i, i % 2) for i in range(100)] + [(100 + i, 1) for i in range(100)]  # label 1 is 3x as common


def test_subsample_is_balanced_repeatable_and_capped():
    chosen = experiments.subsample(EXAMPLES, 16, seed=3, label=lambda e: e[1])
    assert Counter(e[1] for e in chosen) == {0: 8, 1: 8}
    assert chosen == experiments.subsample(EXAMPLES, 16, seed=3, label=lambda e: e[1])
    assert chosen != experiments.subsample(EXAMPLES, 16, seed=4, label=lambda e: e[1])
    assert len(set(chosen)) == 16
    assert len(experiments.subsample(EXAMPLES, 10_000, seed=0)) == len(EXAMPLES)
    with pytest.raises(ValueError, match="positive"):
        experiments.subsample(EXAMPLES, 0, seed=0)


def test_learning_curve_gives_every_method_the_same_examples():
    seen = {}

    def method(name):
        def run(train, seed):
            seen[(name, len(train), seed)] = sorted(train)
            return len(train) / 100

        return run

    rows = experiments.learning_curve({"a": method("a"), "b": method("b")}, EXAMPLES, [8, 32], seeds=3,
                                      label=lambda e: e[1], progress=False)
    assert len(rows) == 2 * 2 * 3
    for n in (8, 32):
        for seed in range(3):
            assert seen[("a", n, seed)] == seen[("b", n, seed)]
    summary = {(r["method"], r["n"]): r for r in experiments.summarise(rows)}
    assert summary[("a", 32)]["mean"] == pytest.approx(0.32) and summary[("a", 32)]["std"] == 0
    assert summary[("b", 8)]["runs"] == 3


def test_summary_spread():
    rows = [{"method": "m", "n": 1, "score": s} for s in (0.5, 0.7, 0.9)]
    (row,) = experiments.summarise(rows)
    assert row["mean"] == pytest.approx(0.7) and row["std"] == pytest.approx(0.2)
