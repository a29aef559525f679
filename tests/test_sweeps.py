"""Learning-curve helpers: balanced, repeatable subsamples shared by all methods; honest summaries."""

import statistics
from collections import Counter

import pytest

from ptlib.experiments import sweeps

EXAMPLES = [(i, i % 2) for i in range(100)] + [(100 + i, 1) for i in range(100)]  # label 1 is 3x as common


def test_subsample_is_balanced_repeatable_and_capped():
    chosen = sweeps.subsample(EXAMPLES, 16, seed=3, label=lambda e: e[1])
    assert Counter(e[1] for e in chosen) == {0: 8, 1: 8}
    assert chosen == sweeps.subsample(EXAMPLES, 16, seed=3, label=lambda e: e[1])
    assert chosen != sweeps.subsample(EXAMPLES, 16, seed=4, label=lambda e: e[1])
    assert len(set(chosen)) == 16 and set(chosen) <= set(EXAMPLES)
    assert len(sweeps.subsample(EXAMPLES, 10_000, seed=0)) == len(EXAMPLES)
    with pytest.raises(ValueError, match="positive"):
        sweeps.subsample(EXAMPLES, 0, seed=0)


def test_learning_curve_gives_every_method_the_same_examples():
    seen = {}

    def method(name):
        def run(train, seed):
            seen[(name, len(train), seed)] = sorted(train)
            return len(train) / 100

        return run

    rows = sweeps.learning_curve({"a": method("a"), "b": method("b")}, EXAMPLES, [8, 32], seeds=3,
                                 label=lambda e: e[1], progress=False)
    assert len(rows) == 2 * 2 * 3
    assert {(r["method"], r["n"], r["seed"]) for r in rows} == set(seen)
    for n in (8, 32):
        for seed in range(3):
            assert seen[("a", n, seed)] == seen[("b", n, seed)]
        assert seen[("a", n, 0)] != seen[("a", n, 1)]  # but another seed draws other examples
    summary = {(r["method"], r["n"]): r for r in sweeps.summarise(rows)}
    assert summary[("a", 32)]["mean"] == pytest.approx(0.32) and summary[("a", 32)]["std"] == 0
    assert summary[("b", 8)]["runs"] == 3


def _reference_summary(rows, by, value):
    """statistics.mean/stdev per group, groups in order of first appearance, std 0 for a single run."""
    groups: dict[tuple, list[float]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in by), []).append(row[value])
    return [
        {**dict(zip(by, key)), "mean": statistics.mean(values),
         "std": statistics.stdev(values) if len(values) > 1 else 0.0, "runs": len(values)}
        for key, values in groups.items()
    ]


ROWS = [
    # interleaved on purpose: "z" comes first although it sorts last; (a, 4) has a single run
    {"method": "z", "n": 16, "seed": 0, "score": 0.50, "seconds": 1.0},
    {"method": "a", "n": 16, "seed": 0, "score": 0.61, "seconds": 2.0},
    {"method": "z", "n": 16, "seed": 1, "score": 0.70, "seconds": 1.5},
    {"method": "a", "n": 4, "seed": 0, "score": 0.42, "seconds": 0.5},
    {"method": "z", "n": 2, "seed": 0, "score": 0.31, "seconds": 0.1},
    {"method": "a", "n": 16, "seed": 1, "score": 0.67, "seconds": 2.5},
    {"method": "z", "n": 16, "seed": 2, "score": 0.90, "seconds": 1.2},
    {"method": "z", "n": 2, "seed": 1, "score": 0.35, "seconds": 0.2},
]


@pytest.mark.parametrize("by, value", [(("method", "n"), "score"), (("method",), "score"), (("n",), "seconds")])
def test_summarise_matches_statistics_module(by, value):
    got = sweeps.summarise(ROWS, by=by, value=value)
    expected = _reference_summary(ROWS, by, value)
    assert [tuple(r[k] for k in by) for r in got] == [tuple(r[k] for k in by) for r in expected]  # same order
    for g, e in zip(got, expected):
        assert set(g) == set(e)
        assert g["mean"] == pytest.approx(e["mean"]) and g["std"] == pytest.approx(e["std"])
        assert g["runs"] == e["runs"] and isinstance(g["runs"], int)


def test_summarise_by_hand():
    got = {(r["method"], r["n"]): r for r in sweeps.summarise(ROWS)}
    assert list(got) == [("z", 16), ("a", 16), ("a", 4), ("z", 2)]  # order of first appearance
    assert got[("z", 16)]["mean"] == pytest.approx(0.7) and got[("z", 16)]["std"] == pytest.approx(0.2)
    assert got[("a", 4)] == {"method": "a", "n": 4, "mean": pytest.approx(0.42), "std": 0.0, "runs": 1}
    (row,) = sweeps.summarise([{"method": "m", "n": 1, "score": s} for s in (0.5, 0.7, 0.9)])
    assert row["mean"] == pytest.approx(0.7) and row["std"] == pytest.approx(0.2)  # sample std (n - 1)


def test_plot_learning_curves_draws_one_line_per_method():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = sweeps.plot_learning_curves(ROWS, chance=0.5, title="t")
    try:
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {"z", "a", "chance"}
        # x sorted by n, y the group means
        assert list(lines["z"].get_xdata()) == [2, 16]
        assert list(lines["z"].get_ydata()) == pytest.approx([0.33, 0.7])
        assert list(lines["a"].get_xdata()) == [4, 16]
    finally:
        plt.close(ax.figure)
