"""The global-vs-contextual explorer: plain functions for good and bad input, then the widget wired to them."""

import ipywidgets as widgets
import pytest
import torch
from matplotlib.figure import Figure
from test_neighbours import fake_embed

from ptlib.analysis import explorer
from ptlib.data.microworld import probes
from ptlib.data.vocab import Vocab
from ptlib.pretrained import GloVe


@pytest.fixture(scope="module")
def occurrences():
    return probes.held_out_senses(160)


@pytest.fixture(scope="module")
def state(occurrences):
    vocab = Vocab.build([*occurrences["text"], "a lone cat ."])
    vectors = torch.randn(len(vocab), 12, generator=torch.Generator().manual_seed(0))
    observed = torch.ones(len(vocab), dtype=torch.bool)
    observed[vocab.token_to_id("lone")] = False  # in the vocabulary, but never trained
    return explorer.build_state(GloVe(vectors, vocab, observed, [], 0.0), occurrences, fake_embed, k=5)


def test_global_neighbours_are_the_word_index_ones(state):
    table = state.global_neighbours("  Play ")
    assert isinstance(table, explorer.Table) and len(table.rows) == 5
    assert [(row["word"], row["cosine"]) for row in table.rows] == state.words.nearest("play", 5)
    assert "lone" not in [row["word"] for row in table.rows]
    assert "<b>play</b>" in table.to_html() and "<td style='text-align:left'>1</td>" in table.to_html()


@pytest.mark.parametrize(
    ("word", "says"),
    [("", "Type a word"), ("plya", "not in the vocabulary. Did you mean: play"), ("lone", "no trained vector"),
     ("big play", "Type one word")],
)
def test_global_neighbours_explain_bad_words(state, word, says):
    message = state.global_neighbours(word)
    assert isinstance(message, explorer.Message) and says in message.text


def test_contextual_neighbours_of_a_typed_sentence(state, occurrences):
    table = state.contextual_neighbours("play", "Yesterday the kids ran outside to PLAY football.")
    assert isinstance(table, explorer.Table) and len(table.rows) == 5
    assert {row["sense"] for row in table.rows} == {"game"}  # contexts of the game sense are nearest
    for row in table.rows:
        assert row["sentence"] in occurrences["text"][:] and "<mark><b>play</b></mark>" in row["highlighted"]
        assert -1 <= row["cosine"] <= 1
    assert "to <mark><b>play</b></mark> football ." in table.title and "5 of 5" in table.title
    # a corpus sentence finds itself first
    first = occurrences.filter(lambda w: w == "bank", input_columns="word")[0]
    own = state.contextual_neighbours("bank", first["text"])
    assert own.rows[0]["sentence"] == first["text"] and own.rows[0]["cosine"] == pytest.approx(1.0)
    assert own.rows[0]["sense"] == first["sense"]


@pytest.mark.parametrize(
    ("word", "sentence", "says"),
    [("", "we play", "Type a word"),
     ("play", "   ", "Type a sentence that uses 'play'"),
     ("play", "the band began to sing", "does not contain the word 'play'"),
     ("cat", "a lone cat .", "'cat' has no recorded occurrences with senses. Words that have: bank, bark"),
     ("banks", "two banks", "Did you mean: bank")],
)
def test_contextual_neighbours_explain_bad_input(state, word, sentence, says):
    message = state.contextual_neighbours(word, sentence)
    assert isinstance(message, explorer.Message) and says in message.text


def test_html_is_escaped_and_the_word_marked():
    assert explorer.highlight("a <b> & play", 3) == "a &lt;b&gt; &amp; <mark><b>play</b></mark>"
    table = explorer.Table("t", ["word", "html"], [{"word": "<i>", "html": "<mark>x</mark>"}], frozenset({"html"}))
    assert "&lt;i&gt;" in table.to_html() and "<mark>x</mark>" in table.to_html()
    assert explorer.Message("'<x>' is unknown").to_html().count("&lt;x&gt;") == 1
    assert explorer.normalise_sentence("The kids ran to PLAY, in the season's games!") == \
        "the kids ran to play , in the season's games !"


def test_projection_figure_and_examples(state):
    assert isinstance(state.projection("bank"), Figure)
    assert isinstance(state.projection("cat"), explorer.Message)
    examples = state.examples("play")
    senses = {state.occurrences.rows[i]["text"]: state.occurrences.rows[i]["sense"]
              for i in state.occurrences.occurrences_of("play")}
    assert len(examples) == 3 * 3 and {senses[text] for text in examples} == {"theatre", "game", "music"}
    assert state.examples("cat") == []


def test_build_state_refuses_a_misaligned_embedder(occurrences):
    glove = GloVe(torch.ones(6, 2), Vocab(["play"]), torch.ones(6, dtype=torch.bool), [], 0.0)
    with pytest.raises(ValueError, match="aligned with text.split"):
        explorer.build_state(glove, occurrences, lambda texts: [torch.zeros(1, 3) for _ in texts])


def test_widget_shows_both_tables_and_messages(state, monkeypatch):
    shown = []
    monkeypatch.setattr(explorer, "display", shown.append)  # what the plot area receives
    controls = explorer.explorer_controls(state)
    assert len(shown) == 1 and shown[0].data.startswith(b"\x89PNG")
    assert controls.word.value == "play" and controls.sentence.value == controls.examples.value
    assert controls.examples.value in state.examples("play")
    assert "Nearest words to <b>play</b>" in controls.global_table.value
    assert "<mark><b>play</b></mark>" in controls.contextual_table.value

    controls.word.value = "bank"  # a new word: its examples, its first example as the sentence, both tables
    assert controls.sentence.value == state.examples("bank")[0] == controls.examples.value
    assert "Nearest words to <b>bank</b>" in controls.global_table.value
    assert "<mark><b>bank</b></mark>" in controls.contextual_table.value

    controls.examples.value = state.examples("bank")[-1]  # picking an example runs it
    assert controls.sentence.value == state.examples("bank")[-1]
    assert controls.contextual_table.value.count("<tr>") == 1 + state.k

    controls.sentence.value = "the money is safe"
    controls.button.click()
    assert "does not contain the word &#x27;bank&#x27;" in controls.contextual_table.value

    shown.clear()
    controls.word.value = "plya"
    assert not shown  # no projection for a word without occurrences
    assert "Did you mean: play" in controls.global_table.value
    assert "has no recorded occurrences" in controls.contextual_table.value
    assert controls.examples.options == ()

    controls.word.value = ""
    controls.button.click()
    assert "Type a word" in controls.global_table.value and "Type a word" in controls.contextual_table.value


def test_widget_shows_an_embedder_failure_as_a_message(state):
    def broken(texts):
        raise RuntimeError("the model is not loaded")

    controls = explorer.explorer_controls(explorer.ExplorerState(state.words, state.occurrences, broken))
    assert "Could not compute this: the model is not loaded" in controls.contextual_table.value
    assert isinstance(explorer.explorer_widget(state, "seal"), widgets.VBox)
