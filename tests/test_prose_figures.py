"""Figures quoted in notebook prose that no cell output shows must equal their source: a benchmark's results or the
configuration. A benchmark re-run or a changed setting that moves them makes this test fail."""

import json
import re
import sys
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
                figures["cloze_bigram"], figures["cloze_chance"], figures["entailment_bow_train4000_test_accuracy"],
                figures["paraphrase_bow_train4000_test_accuracy"]]
    assert quoted == pytest.approx(expected, abs=0.0051)  # quoted to two decimals (0.505 may print as 0.51)


def test_global_vs_contextual_quotes_the_glove_settings():
    text = markdown("05_global_vs_contextual.ipynb", "## 2. Global vectors")
    assert f"window of {FULL.glove.window} words" in text
    assert f"x_{{max}} = {FULL.glove.x_max:g}" in text and FULL.glove.alpha == 3 / 4 and r"\alpha = 3/4" in text
    assert f"AdaGrad (rate {FULL.glove.lr:g})" in text


def test_ulmfit_quotes_the_adaptive_softmax_benchmark():
    figures = json.loads((ROOT / "benchmarks/results/lm_softmax.json").read_text())["figures"]
    text = markdown("03_ulmfit.ipynb", "## 1. The recipe")
    assert "in about a third of the time, to the same\nperplexity" in text
    assert 2.5 <= figures["speed_up"] <= 3.5  # "about a third"
    assert abs(figures["adaptive_validation_perplexity"] - figures["full_softmax_validation_perplexity"]) < 0.5
    assert FULL.lm.softmax_cutoffs == tuple(json.loads(figures["adaptive_cutoffs"].replace("(", "[").replace(")", "]")))


def test_readme_quotes_the_adaptive_softmax_benchmark():
    figures = json.loads((ROOT / "benchmarks/results/lm_softmax.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `lm_softmax.py`"):readme.index("- `mutation.py`")]
    quoted = [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.\d+", item)]
    f = figures
    expected = [f["adaptive_train_seconds"], f["full_softmax_train_seconds"], f["speed_up"], f["adaptive_ms_per_step"],
                f["full_softmax_ms_per_step"], f["adaptive_validation_perplexity"],
                f["full_softmax_validation_perplexity"],
                *(f[f"adaptive_agreement_interveners{k}"] for k in range(4)),
                *(f[f"full_softmax_agreement_interveners{k}"] for k in range(4)),
                f["adaptive_cloze_accuracy"], f["full_softmax_cloze_accuracy"], f["adaptive_cloze_chance"]]
    assert quoted == pytest.approx(expected, abs=0.0051)
    assert f"{f['adaptive_vocab']:,} words" in item


def _band(figure: str) -> dict[str, float]:
    """'held-out 0.208, seen 0.458 (24 facts)' -> {'held-out': 0.208, 'seen': 0.458, 'facts': 24}"""
    found = re.fullmatch(r"held-out ([\d.]+), seen ([\d.]+) \((\d+) facts\)", figure)
    assert found, figure
    return {"held-out": float(found[1]), "seen": float(found[2]), "facts": int(found[3])}


def test_language_modelling_quotes_the_longer_trained_lm_of_the_headroom_benchmark():
    figures = json.loads((ROOT / "benchmarks/results/headroom.json").read_text())["figures"]
    text = markdown("02_language_modelling.ipynb", "Would more training make the model know the facts?")
    usual, longer = _band(figures["lstm_cloze_mentions_80+"]), _band(figures["lstm_10_epochs_cloze_mentions_80+"])
    assert usual["facts"] == longer["facts"] and f"the {usual['facts']} facts stated 80 or more times" in text
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import headroom

    assert f"for {headroom.LONGER_LM['epochs']} epochs\ninstead of {FULL.lm.epochs}" in text
    assert f"({figures['lstm_10_epochs_train_seconds']:.0f} s instead of {figures['lstm_train_seconds']:.0f} s)" in text
    expected = [usual["seen"], longer["seen"], usual["held-out"], longer["held-out"]]
    quoted = [float(x) for x in re.findall(r"\b0\.\d{3}\b", text)]
    assert quoted == expected


def test_readme_quotes_the_headroom_benchmark():
    f = json.loads((ROOT / "benchmarks/results/headroom.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `headroom.py`"):readme.index("- `bert_few_labels.py`")]
    quoted = [float(x) for x in re.findall(r"\b\d+\.\d+\b", item)]
    models = ("bigram", "trigram", "small_lstm", "lstm", "lstm_10_epochs")
    bands = [_band(f[f"{m}_cloze_mentions_80+"]) for m in models[2:]]
    expected = [*(f[f"{m}_validation_perplexity"] for m in models[:2]),
                *(f[f"{m}_add_k_validation_perplexity"] for m in models[:2]),
                *(f[f"{m}_validation_perplexity"] for m in models[2:]),
                *(f[f"{m}_agreement_interveners3"] for m in models),
                *(b[w] for b in bands for w in ("seen", "held-out")),
                *(float(f[f"{task}_32_{method}"].split(" ± ")[0])
                  for task in ("sentiment", "acceptability", "entailment", "paraphrase")
                  for method in ("scratch", "fine-tuned"))]
    assert quoted == pytest.approx(expected, abs=0.0051)
    assert f"The {bands[0]['facts']} facts stated 80 or more times" in item
    perplexities = [f[f"{m}_validation_perplexity"] for m in models[:4]]
    assert "ordered from the bigram to the course's LM" in item and perplexities == sorted(perplexities, reverse=True)


def test_readme_quotes_the_bert_few_labels_benchmark():
    f = json.loads((ROOT / "benchmarks/results/bert_few_labels.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `bert_few_labels.py`"):readme.index("- `lm_step_time.py`")]
    quoted = re.findall(r"\d\.\d{3} ± \d\.\d{3}", item)
    assert quoted == [f[f"sentiment_{n}_{method}"] for n in (32, 100, 300)
                      for method in ("BERT_fine-tuned", "from_scratch")]
    assert f"pre-trained in {f['pretrain_seconds']:.1f} s" in item
    assert f"{f['fine_tuning_steps']} fine-tuning steps" in item
    # "neither leaves chance": every mean within 0.05 of the majority rate; "both fit their training labels"
    assert all(abs(float(v.split(" ± ")[0]) - f["sentiment_majority_rate"]) < 0.05 for v in quoted)
    assert all(value >= 0.99 for key, value in f.items() if key.endswith("train_accuracy"))


def test_readme_quotes_the_lm_claims_benchmark():
    f = json.loads((ROOT / "benchmarks/results/lm_claims.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `lm_claims.py`"):readme.index("- `ulmfit.py`")]
    band = _band(f["general_cloze_mentions_80+"])
    percentages = [int(x) for x in re.findall(r"(\d+)%", item)]
    expected = [*(f[f"general_agreement_interveners{k}"] for k in range(4)), f["general_cloze_accuracy"],
                f["general_cloze_chance"], band["held-out"], band["seen"],
                *(f[f"general+reviews_agreement_interveners{k}"] for k in range(4))]
    assert percentages == [round(100 * x) for x in expected]
    spreads = re.findall(r"\d\.\d{3} ± \d\.\d{3}", item)
    assert spreads == [f[f"sentiment_32_{m}"] for m in ("scratch", "features", "fine-tuned")]
    most = " / ".join(f[f"sentiment_1000_{m}"].split(" ± ")[0] for m in ("scratch", "features", "fine-tuned"))
    assert f"with 1,000 labels {most}" in item
    assert f"({f['general_lm_train_seconds']:.1f} s of training" in item and f"the {band['facts']} facts" in item


def test_readme_and_the_glove_settings_quote_the_neighbours_benchmark():
    f = json.loads((ROOT / "benchmarks/results/neighbours.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `neighbours.py`"):readme.index("- `headroom.py`")]
    purity = [round(100 * f[f"full_dim{d}_class_purity_at5"]) for d in (50, 100)]
    assert [int(x) for x in re.findall(r"(\d+)%", item)] == purity
    assert f"({f['full_glove_vocab']:,} words) train in {f['full_glove_train_seconds']:.1f} s" in item
    assert f"{f['word_query_ms']:.2f} ms for a word and {f['explorer_contextual_neighbours_ms']:.2f} ms" in item
    assert "(" + ", ".join(f["full_glove_neighbours_play"].split(", ")[:3]) + " ...)" in item
    comment = (ROOT / "ptlib" / "config.py").read_text()
    assert f"{purity[0]}% are in its class, against {purity[1]}%" in comment and purity[0] >= purity[1]
    assert FULL.glove.dim == 50


def test_readme_quotes_the_ulmfit_benchmark():
    f = json.loads((ROOT / "benchmarks/results/ulmfit.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = " ".join(readme[readme.index("- `ulmfit.py`"):readme.index("- `neighbours.py`")].split())
    error = {key.split(": ", 1)[1]: value for key, value in f.items() if key.startswith("sentiment_32_error: ")}
    costly = ("no target-domain LM fine-tuning", "one learning rate (no discriminative rates)")
    free = ("all layers at once (no gradual unfreezing)", "constant learning rate (no STLR)")
    assert re.findall(r"\d\.\d{3} ± \d\.\d{3}", item) == [error[v] for v in ("ULMFiT: all three stages",
                                                                          "from scratch (no pre-training)", *costly,
                                                                          *free)]
    mean, std = ({v: float(s.split(" ± ")[i]) for v, s in error.items()} for i in (0, 1))
    full = "ULMFiT: all three stages"
    # "only the first two cost more than the spread over seeds"
    assert all(mean[v] - mean[full] > max(std[v], std[full]) for v in costly)
    assert all(abs(mean[v] - mean[full]) < max(std[v], std[full]) for v in free)
    assert f"({round(100 * f['relative_error_reduction'])}% relative reduction)" in item
    before, after = f["stage2_perplexity_before"], f["stage2_perplexity_after"]
    assert f"from {before:,.0f} to {after:.2f} in {f['stage2_seconds']:.1f} s" in item


def test_readme_quotes_the_bilm_benchmark():
    f = json.loads((ROOT / "benchmarks/results/bilm.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = " ".join(readme[readme.index("- `bilm.py`"):readme.index("- `neighbours.py`")].split())
    assert (f"trains in {f['bilm_train_seconds']:.1f} s to perplexity {f['bilm_forward_perplexity']:.2f} forward and "
            f"{f['bilm_backward_perplexity']:.2f} backward") in item
    assert " / ".join(f"{f[f'forward_lm_agreement_interveners{k}']:.2f}" for k in range(4)) in item
    largest = max(abs(value) for key, value in f.items() if key.endswith("_elmo_gain"))
    assert f"adding ELMo moves no task by more than {largest:.3f}" in item
    for task in ("sentiment", "acceptability"):
        assert f"{task} {f[f'{task}_1000_glove'][:5]} → {f[f'{task}_1000_glove+elmo'][:5]}" in item


def test_readme_quotes_the_test_suite_time_benchmark():
    f = json.loads((ROOT / "benchmarks/results/test_suite_time.json").read_text())["figures"]
    readme = (ROOT / "README.md").read_text()
    item = readme[readme.index("- `test_suite_time.py`"):readme.index("The set-up itself")]
    assert (f"(ruff, {f['unit_tests']} unit tests, the {f['notebooks']} notebooks' {f['notebook_cells']} cells in "
            "quick mode)") in " ".join(item.split())
    assert f"takes {f['total_s']:.0f} s once set up" in item
    assert f"(unit tests {f['unit_tests_s']:.0f} s, notebooks {f['nbval_s']:.0f} s)" in item
    notebooks = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert f["notebooks"] == notebooks, "test_suite_time.json predates a notebook: run the benchmark again"
