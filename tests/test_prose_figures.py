"""Figures quoted in notebook prose that no cell output shows must equal their source: a benchmark's results or the
configuration. A benchmark re-run or a changed setting that moves them makes this test fail."""

import json
import re
from pathlib import Path

import pytest

from ptlib.config import FULL

ROOT = Path(__file__).resolve().parents[1]


def markdown(notebook: str, heading: str) -> str:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    found = [text for c in cells if c["cell_type"] == "markdown" and heading in (text := "".join(c["source"]))]
    assert len(found) == 1, f"{notebook}: expected one markdown cell with {heading!r}"
    return found[0]


def test_start_here_quotes_the_microworld_benchmark():
    figures = json.loads((ROOT / "benchmarks/results/microworld.json").read_text())["figures"]
    text = markdown("00_start_here.ipynb", "## What we measured")
    quoted = [float(figure) for figure in re.findall(r"\b0\.\d\d\b", text)]  # in the order the prose gives them
    expected = [figures["agreement_bigram_interveners0"], figures["agreement_bigram_distance>=8"],
                figures["cloze_bigram"], figures["cloze_chance"]]
    assert quoted == pytest.approx(expected, abs=0.005)  # quoted to two decimals


def test_global_vs_contextual_quotes_the_glove_settings():
    text = markdown("05_global_vs_contextual.ipynb", "## 2. Global vectors")
    assert f"window of {FULL.glove.window} words" in text
    assert f"x_{{max}} = {FULL.glove.x_max:g}" in text and FULL.glove.alpha == 3 / 4 and r"\alpha = 3/4" in text
    assert f"AdaGrad (rate {FULL.glove.lr:g})" in text
