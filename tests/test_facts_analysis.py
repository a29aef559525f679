"""The fact-cloze grouping by mentions, against bands counted by hand."""

import pandas as pd
import pytest

from ptlib.analysis.facts import facts_by_mentions


def test_facts_fall_in_the_bands_their_mentions_give():
    facts = pd.DataFrame({
        "mentions": [0, 0, 1, 4, 5, 19, 20, 79, 80, 500],
        "model": [False, True, True, True, False, False, True, True, True, False],
        "chance": [0.1] * 10,
    })
    table = facts_by_mentions(facts, ["model", "chance"])
    # by hand: 0 -> {0, 0}; 1-4 -> {1, 4}; 5-19 -> {5, 19}; 20-79 -> {20, 79}; 80+ -> {80, 500}
    assert list(table.index) == ["0", "1-4", "5-19", "20-79", "80+"]
    assert list(table["facts"]) == [2, 2, 2, 2, 2]
    assert list(table["model"]) == [0.5, 1.0, 0.0, 1.0, 0.5]
    assert list(table["chance"]) == pytest.approx([0.1] * 5)


def test_empty_bands_are_left_out_and_a_missing_column_is_named():
    table = facts_by_mentions(pd.DataFrame({"mentions": [3, 100], "model": [1.0, 0.0]}), ["model"])
    assert list(table.index) == ["1-4", "80+"] and list(table["model"]) == [1.0, 0.0]
    with pytest.raises(KeyError, match="'BERT'"):
        facts_by_mentions(pd.DataFrame({"mentions": [3], "model": [1.0]}), ["BERT"])
