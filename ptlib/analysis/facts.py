"""Fact-cloze results grouped by how often the corpus states each fact: knowledge of a fact should grow with its
mentions, and a fact the corpus never states can only be guessed."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

# (edges, labels) for pandas.cut: a band holds the facts with edges[i] < mentions <= edges[i + 1].
MENTION_BANDS = ((-1, 0, 4, 19, 79, 10_000), ("0", "1-4", "5-19", "20-79", "80+"))


def facts_by_mentions(facts: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The mean of each of ``columns`` (True where a model is right, or a chance rate) over the facts of each band
    of ``facts["mentions"]``, and the number of facts in a last column, ``facts``; bands without facts are left
    out."""
    missing = [name for name in ["mentions", *columns] if name not in facts.columns]
    if missing:
        raise KeyError(f"no column(s) {missing} in the facts table; its columns are {list(facts.columns)}")
    bands = pd.cut(facts["mentions"], list(MENTION_BANDS[0]), labels=list(MENTION_BANDS[1]))
    grouped = facts.groupby(bands, observed=True)
    return grouped[list(columns)].mean().assign(facts=grouped.size())
