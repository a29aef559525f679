"""The global-vs-contextual explorer: plain functions for good and bad input, then the widget wired to them."""

import base64

import ipywidgets as widgets
import pytest
import torch
from matplotlib.figure import Figure
from test_neighbours import fake_embed

from ptlib.analysis import explorer, neighbours
from ptlib.data.microworld import probes
from ptlib.data.vocab import Vocab
from ptlib.pretrained import GloVe


@pytest.fixture(scope="module")
def occurrences():
    return probes.held_out_senses(160, cues=3)


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
    # A game-sense sentence of the index, typed with capitals, glued punctuation and one more word in front (more
    # than the fake embedder's three words of context away from "play", so its vector there does not change).
    source = next(o for o in occurrences if o["word"] == "play" and o["sense"] == "game" and o["position"] >= 3)
    tokens = source["text"].split()
    typed = " ".join(["Yesterday", *tokens[: source["position"]], "PLAY", *tokens[source["position"] + 1: -1]]) + "."
    table = state.contextual_neighbours("play", typed)
    assert isinstance(table, explorer.Table) and len(table.rows) == 5
    assert table.rows[0]["sentence"] == source["text"] and table.rows[0]["sense"] == "game"
    assert table.rows[0]["cosine"] == pytest.approx(1.0, abs=1e-5)
    for row in table.rows:
        assert row["sentence"] in occurrences["text"][:] and "<mark><b>play</b></mark>" in row["highlighted"]
        assert -1 <= row["cosine"] <= 1
    assert f"yesterday {' '.join(tokens[: source['position']])} <mark><b>play</b></mark>" in table.title
    game = sum(row["sense"] == "game" for row in table.rows)
    assert f"{game} of 5 neighbours have the sense <i>game</i>" in table.title
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


def plot_data(controls):
    """What the plot area shows: the data of its one output (the widget replaces it whole at each update)."""
    (output,) = controls.plot.outputs
    assert output["output_type"] == "display_data"
    return output["data"]


def test_widget_shows_both_tables_and_messages(state):
    controls = explorer.explorer_controls(state)
    assert base64.b64decode(plot_data(controls)["image/png"]).startswith(b"\x89PNG")
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

    controls.word.value = "plya"
    assert "Did you mean: play" in controls.global_table.value
    assert "has no recorded occurrences" in controls.contextual_table.value
    assert controls.examples.options == ()

    controls.word.value = ""
    controls.button.click()
    assert "Type a word" in controls.global_table.value and "Type a word" in controls.contextual_table.value
    assert "Type a word" in plot_data(controls)["text/html"]


@pytest.mark.parametrize(("word", "says"), [("river", "No projection: &#x27;river&#x27; needs at least 2"),
                                            ("", "Type a word"), ("big play", "Type one word")])
def test_a_bad_word_replaces_the_previous_plot_by_a_message(state, word, says):
    controls = explorer.explorer_controls(state, "play")
    assert set(plot_data(controls)) == {"image/png", "text/plain"}
    controls.word.value = word
    data = plot_data(controls)  # one output: the message, and no image of play's occurrences left
    assert "image/png" not in data and says in data["text/html"]
    controls.word.value = "bank"
    assert "image/png" in plot_data(controls)


def test_text_boxes_update_on_enter_not_per_keystroke(state):
    controls = explorer.explorer_controls(state)
    assert controls.word.continuous_update is False and controls.sentence.continuous_update is False


def test_enter_in_the_text_boxes_runs_one_update_like_the_button(state, monkeypatch):
    calls, embedded = [], []
    contextual = state.contextual_neighbours

    def spy(word, sentence):
        calls.append((word, sentence))
        return contextual(word, sentence)

    def embed(texts):
        embedded.extend(texts)
        return fake_embed(texts)

    monkeypatch.setattr(state, "contextual_neighbours", spy)
    monkeypatch.setattr(state, "embed", embed)
    controls = explorer.explorer_controls(state)
    assert len(calls) == 1
    typed = "the kids ran outside to play football"
    calls.clear()
    embedded.clear()
    controls.sentence.value = typed  # what Enter (or leaving the box) does with continuous_update=False
    assert calls == [("play", typed)] and embedded == [explorer.normalise_sentence(typed)]  # tables + plot: 1
    assert controls.global_table.value == state.global_neighbours("play").to_html()
    assert controls.contextual_table.value == contextual("play", typed).to_html()
    entered = (controls.global_table.value, controls.contextual_table.value, plot_data(controls))
    controls.button.click()  # the click after typing: the box was committed on blur, nothing new to compute
    assert len(calls) == 1

    clicked = explorer.explorer_controls(state)  # the same sentence, reaching the update by the button
    clicked.sentence.unobserve_all("value")
    clicked.sentence.value = typed
    clicked.button.click()
    assert (clicked.global_table.value, clicked.contextual_table.value, plot_data(clicked)) == entered

    for change, value in [("word", "bank"), ("examples", state.examples("bank")[2]), ("word", "plya"),
                          ("word", "play"), ("sentence", "we play chess"), ("sentence", "no such word")]:
        calls.clear()
        getattr(controls, change).value = value
        assert len(calls) == 1, (change, value)
        assert calls[0] == (controls.word.value, controls.sentence.value)
    assert controls.sentence.value == "no such word" and "image/png" in plot_data(controls)


def sentence_mark(figure):
    ax = figure.axes[0]
    marks = [c for c in ax.collections if c.get_label() == "your sentence"]
    return torch.tensor(marks[0].get_offsets(), dtype=torch.float32).reshape(-1) if marks else None


def test_projection_marks_the_typed_sentence_on_the_same_axes(state):
    typed = "Yesterday the kids ran outside to PLAY football."
    figure = state.projection("play", typed)
    # independently: centre the occurrences' unit vectors, PCA by SVD, the typed vector placed the same way
    occurrences = state.occurrences.unit[state.occurrences.occurrences_of("play")]
    mean = occurrences.mean(0)
    _, _, directions = torch.linalg.svd(occurrences - mean, full_matrices=False)
    coords = (occurrences - mean) @ directions[:2].T
    drawn = neighbours.project_occurrences(state.occurrences, "play").coords
    assert torch.allclose(coords.abs(), drawn.abs(), atol=1e-4)
    signs = torch.sign((coords * drawn).sum(0))  # an SVD direction's sign is arbitrary: take the drawn one
    sentence = explorer.normalise_sentence(typed)
    vector = fake_embed([sentence])[0][sentence.split().index("play")]
    expected = ((vector / vector.norm() - mean) @ directions[:2].T) * signs
    assert torch.allclose(sentence_mark(figure), expected, atol=1e-4)
    assert "your sentence" in [text.get_text() for text in figure.axes[0].get_legend().get_texts()]

    own = state.occurrences.occurrences_of("play")[7]  # a corpus sentence is marked on its own point
    mark = sentence_mark(state.projection("play", state.occurrences.rows[own]["text"]))
    assert torch.allclose(mark, drawn[7], atol=1e-4)
    for sentence in ["the band began to sing", "", "two plays"]:  # no use of the word: no mark, no error
        figure = state.projection("play", sentence)
        assert isinstance(figure, Figure) and sentence_mark(figure) is None


def test_projection_legend_is_outside_the_axes(state):
    figure = state.projection("bank", state.examples("bank")[0])
    figure.draw_without_rendering()
    ax = figure.axes[0]
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_contextual_table_has_one_row_per_sentence(occurrences):
    rows = occurrences.to_list()
    plays = [row for row in rows if row["word"] == "play"]
    twice = "we play the play today ."  # one sentence, two occurrences: the better one stays
    rows += plays[:12] + plays[:3] + [{"text": twice, "word": "play", "position": 1, "sense": "game"},
                                      {"text": twice, "word": "play", "position": 3, "sense": "theatre"}]
    glove = GloVe(torch.ones(6, 2), Vocab(["play"]), torch.ones(6, dtype=torch.bool), [], 0.0)
    state = explorer.build_state(glove, rows, fake_embed, k=6)
    for sentence in [plays[0]["text"], plays[1]["text"], twice, "the kids play football"]:
        table = state.contextual_neighbours("play", sentence)
        texts = [row["sentence"] for row in table.rows]
        assert len(texts) == len(set(texts)) == 6
        ranked = state.occurrences.nearest(fake_embed([sentence])[0][sentence.split().index("play")], 10**4, "play")
        assert texts == list(dict.fromkeys(hit["text"] for hit in ranked))[:6]  # each at its best, best first
    first = state.contextual_neighbours("play", twice).rows[0]
    assert (first["sentence"], first["sense"], first["cosine"]) == (twice, "game", pytest.approx(1.0))
    assert "we <mark><b>play</b></mark> the play" in first["highlighted"]


def test_widget_shows_an_embedder_failure_as_a_message(state):
    def broken(texts):
        raise RuntimeError("the model is not loaded")

    controls = explorer.explorer_controls(explorer.ExplorerState(state.words, state.occurrences, broken))
    assert "Could not compute this: the model is not loaded" in controls.contextual_table.value
    assert "No projection" in plot_data(controls)["text/html"]
    working = explorer.ExplorerState(state.words, state.occurrences, broken)
    retry = explorer.explorer_controls(working)
    working.embed = fake_embed  # the model is loaded now: the button tries again, the same inputs
    retry.button.click()
    assert "<mark><b>play</b></mark>" in retry.contextual_table.value and "image/png" in plot_data(retry)
    assert isinstance(explorer.explorer_widget(state, "seal"), widgets.VBox)
