"""The global-vs-contextual explorer: one word's GloVe neighbours beside its contextual neighbours in a sentence.

All the logic is in plain functions that return a :class:`Table` or, for bad input, a :class:`Message`; both
render as HTML. :func:`explorer_widget` only wires them to a few ipywidgets that exist in ipywidgets 7.7.1
(Colab) and 8 (JupyterLab 4), so a typo shows a sentence in the widget, never a traceback. The text boxes have
``continuous_update=False``: their value (observed) changes on Enter or on leaving the box, not per keystroke.

    >>> state = build_state(load("glove"), sense_occurrences(corpus["train"]), embed)  # doctest: +SKIP
    >>> explorer_widget(state)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import difflib
import html
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from ..data.vocab import normalise_sentence
from ..pretrained import GloVe
from .neighbours import Embed, OccurrenceIndex, WordIndex, check_aligned, plot_projection, project_occurrences

EXAMPLES_PER_SENSE = 3


@dataclass(frozen=True)
class Message:
    """Something to tell the user instead of a table (bad input, nothing to show)."""

    text: str

    def to_html(self) -> str:
        return f'<p style="color:#a94400">{html.escape(self.text)}</p>'


@dataclass
class Table:
    """Rows to show as an HTML table. ``title`` is HTML already; ``markup`` names columns that are HTML already
    (built with :func:`highlight`); every other cell is escaped."""

    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    markup: frozenset[str] = field(default_factory=frozenset)

    def to_html(self) -> str:
        def cell(column: str, value: Any) -> str:
            text = f"{value:.3f}" if isinstance(value, float) else str(value)
            return text if column in self.markup else html.escape(text)

        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{cell(c, row[c])}</td>" for c in self.columns)
                       + "</tr>" for row in self.rows)
        return f"<p>{self.title}</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


Result = Table | Message


def highlight(text: str, position: int) -> str:
    """``text`` made HTML-safe, with its token at ``position`` (of ``text.split()``) marked."""
    tokens = [html.escape(token) for token in text.split()]
    tokens[position] = f"<mark><b>{tokens[position]}</b></mark>"
    return " ".join(tokens)


def _typed_word(word: Any) -> str:
    """A word as typed into the widget, lowercased and stripped; anything but a string is no word ("")."""
    return word.strip().lower() if isinstance(word, str) else ""


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=5, cutoff=0.6)
    return f" Did you mean: {', '.join(close)}?" if close else ""


@dataclass
class ExplorerState:
    """Global vectors, contextual occurrence vectors, and the embedder for new sentences."""

    words: WordIndex
    occurrences: OccurrenceIndex
    embed: Embed
    k: int = 8
    _embedded: tuple[Any, torch.Tensor] | None = field(default=None, init=False, repr=False, compare=False)

    def _check_word(self, word: str) -> str | Message:
        word = _typed_word(word)
        if not word:
            return Message("Type a word, for example 'play'.")
        if len(word.split()) > 1:
            return Message(f"Type one word, not {len(word.split())}: {word!r}.")
        return word

    def global_neighbours(self, word: str) -> Result:
        """The word's nearest words by the cosine of their global vectors."""
        word = self._check_word(word)
        if isinstance(word, Message):
            return word
        if word not in self.words:
            return Message(f"'{word}' is not in the vocabulary.{_suggest(word, self.words.words)}")
        if not self.words.has_vector(word):
            return Message(f"'{word}' is in the vocabulary but has no trained vector (it is not in the text the "
                           "global vectors were trained on, or not in the file they were loaded from).")
        rows = [{"rank": rank, "word": other, "cosine": cosine}
                for rank, (other, cosine) in enumerate(self.words.nearest(word, self.k), start=1)]
        title = f"Nearest words to <b>{html.escape(word)}</b>: one global vector per word, whatever the sense"
        return Table(title, ["rank", "word", "cosine"], rows)

    def _query(self, word: str, sentence: str) -> tuple[str, str, int, torch.Tensor] | Message:
        """Checked word, normalised sentence, the word's position and vector there (one embedding per sentence)."""
        word = self._check_word(word)
        if isinstance(word, Message):
            return word
        if not self.occurrences.occurrences_of(word):
            return Message(f"'{word}' has no recorded occurrences with senses. Words that have: "
                           f"{', '.join(self.occurrences.words)}.{_suggest(word, self.occurrences.words)}")
        sentence = normalise_sentence(sentence) if isinstance(sentence, str) else ""
        if not sentence:
            return Message(f"Type a sentence that uses '{word}', or pick an example.")
        tokens = sentence.split()
        if word not in tokens:
            return Message(f"The sentence does not contain the word '{word}' (as written: {sentence!r}).")
        if self._embedded is None or self._embedded[0] != (self.embed, sentence):  # a new embedder: embed anew
            self._embedded = ((self.embed, sentence), check_aligned(sentence, self.embed([sentence])[0]))
        return word, sentence, tokens.index(word), self._embedded[1][tokens.index(word)]

    def contextual_neighbours(self, word: str, sentence: str) -> Result:
        """The occurrences of ``word`` in the corpus nearest to its use in ``sentence`` (its first use there).

        One row per distinct corpus sentence (its best occurrence; the corpus repeats some). A sentence from the
        corpus finds itself first, with cosine 1.
        """
        query = self._query(word, sentence)
        if isinstance(query, Message):
            return query
        word, sentence, position, vector = query
        best: dict[str, dict[str, Any]] = {}
        for hit in self.occurrences.nearest(vector, len(self.occurrences.occurrences_of(word)), word=word):
            best.setdefault(hit["text"], hit)  # hits come best first
        rows = [{"rank": rank, "sentence": hit["text"], "highlighted": highlight(hit["text"], hit["position"]),
                 "sense": hit["sense"], "cosine": hit["cosine"]}
                for rank, hit in enumerate(list(best.values())[: self.k], start=1)]
        sense, votes = Counter(row["sense"] for row in rows).most_common(1)[0]
        title = (f"Occurrences of <b>{html.escape(word)}</b> nearest to its use in: {highlight(sentence, position)}"
                 f"<br>(one vector per occurrence; {votes} of {len(rows)} neighbours have the sense "
                 f"<i>{html.escape(sense)}</i>)")
        return Table(title, ["rank", "highlighted", "sense", "cosine"], rows, frozenset({"highlighted"}))

    def projection(self, word: str, sentence: str = "") -> Figure | Message:
        """A figure of every occurrence of ``word`` (PCA), coloured by sense; a Message if it has too few.

        If ``sentence`` uses the word, its occurrence there is marked too ("your sentence"), projected like the
        others. The figure is not registered with pyplot: a widget can draw one per update, leaving none open.
        """
        checked = self._check_word(word)
        if isinstance(checked, Message):
            return checked
        members = self.occurrences.occurrences_of(checked)
        if len(members) < 2:
            return Message(f"No projection: '{checked}' needs at least 2 recorded occurrences, it has {len(members)}.")
        projection = project_occurrences(self.occurrences, checked)
        query, point = self._query(checked, sentence), None
        if not isinstance(query, Message):
            # Centred on the occurrences' mean, as they are; the axes recovered from their coordinates: for the
            # SVD centred = U S V^T, coords = U S, so centred^T coords / S^2 = V, the PCA axes (a flat one gives 0).
            vectors = self.occurrences.unit[members]
            centred, coords = vectors - vectors.mean(0), projection.coords
            axes = centred.T @ coords / (coords**2).sum(0).clamp_min(1e-12)
            point = (query[3] / query[3].norm().clamp_min(1e-12) - vectors.mean(0)) @ axes  # as unit_rows
        figure = Figure(figsize=(5.5, 4.2))
        plot_projection(projection, figure.subplots(), point)
        return figure

    def examples(self, word: str) -> list[str]:
        """A few distinct corpus sentences for each sense of ``word`` (empty if it has no occurrences)."""
        picked: dict[str, list[str]] = {}
        for i in self.occurrences.occurrences_of(_typed_word(word)):
            row = self.occurrences.rows[i]
            chosen = picked.setdefault(row["sense"], [])
            if len(chosen) < EXAMPLES_PER_SENSE and row["text"] not in chosen:
                chosen.append(row["text"])
        return [text for texts in picked.values() for text in texts]


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes: shown as an image, it needs no matplotlib set-up in the kernel (Colab or Lab)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def plot_output(shown: Figure | Message) -> dict[str, Any]:
    """An Output widget's entry for the figure (PNG) or message; set as all of ``outputs``, it replaces the old one."""
    if isinstance(shown, Figure):
        data = {"image/png": base64.b64encode(figure_png(shown)).decode("ascii"), "text/plain": "<projection>"}
    else:
        data = {"text/html": shown.to_html(), "text/plain": shown.text}
    return {"output_type": "display_data", "data": data, "metadata": {}}


def build_state(glove: GloVe, occurrences: Iterable[Mapping[str, Any]], embed: Embed, k: int = 8) -> ExplorerState:
    """The explorer's state: ``glove``'s vectors and the occurrences (rows with text, word, sense, position,
    e.g. ``sense_occurrences(corpus)``) embedded once with ``embed``."""
    return ExplorerState(WordIndex(glove.vectors, glove.vocab.tokens, glove.observed),
                         OccurrenceIndex.from_embedder(occurrences, embed), embed, k)


@dataclass
class ExplorerControls:
    """The explorer's widgets; ``box`` holds them all and is the one to display."""

    word: widgets.Combobox
    examples: widgets.Dropdown
    sentence: widgets.Text
    button: widgets.Button
    global_table: widgets.HTML
    contextual_table: widgets.HTML
    plot: widgets.Output
    box: widgets.VBox


def explorer_controls(state: ExplorerState, word: str | None = None) -> ExplorerControls:
    """Build and wire the explorer's widgets (tests set their values and click the button)."""
    first = word or ("play" if "play" in state.occurrences.words else state.occurrences.words[0])
    wide = widgets.Layout(width="95%")
    word_box = widgets.Combobox(value=first, options=state.occurrences.words, description="word",
                                placeholder="an ambiguous word, e.g. play", ensure_option=False,
                                continuous_update=False)
    examples = widgets.Dropdown(options=[], description="examples", layout=wide)
    sentence = widgets.Text(description="sentence", placeholder="a sentence that uses the word (then Enter)",
                            layout=wide, continuous_update=False)
    button = widgets.Button(description="compare", button_style="primary")
    global_table, contextual_table, plot = widgets.HTML(), widgets.HTML(), widgets.Output()
    # True while the word's callback refills the examples, so that the refill does not run an update of its own.
    refilling = False
    # The (word, sentence) on display, so that each pair is computed once: callbacks that set the sentence (whose
    # observer updates) may update after it, and a click after typing finds the box committed (and shown) on blur.
    shown: tuple[str, str] | None = None

    def update(*_: Any) -> None:
        nonlocal shown
        if (word_box.value, sentence.value) == shown:
            return
        shown = (word_box.value, sentence.value)
        # The plain functions turn bad input into Messages; this catches only what they could not foresee (an
        # embedder failing on an odd sentence), so that the widget still shows a sentence, not a traceback.
        try:
            global_table.value = state.global_neighbours(word_box.value).to_html()
            contextual_table.value = state.contextual_neighbours(word_box.value, sentence.value).to_html()
            figure = state.projection(word_box.value, sentence.value)
        except Exception as error:
            contextual_table.value = Message(f"Could not compute this: {error}").to_html()
            figure, shown = Message("No projection: the neighbours could not be computed."), None
        plot.outputs = (plot_output(figure),)  # replaces the previous word's plot, in one message

    def on_word(_: Any = None) -> None:
        nonlocal refilling
        sentences = state.examples(word_box.value)
        refilling = True
        try:
            examples.options, examples.value = sentences, (sentences[0] if sentences else None)
        finally:
            refilling = False
        if sentences:
            sentence.value = sentences[0]
        update()

    def on_example(change: Mapping[str, Any]) -> None:
        if change["new"] and not refilling:
            sentence.value = change["new"]
            update()

    word_box.observe(on_word, names="value")
    examples.observe(on_example, names="value")
    sentence.observe(update, names="value")
    button.on_click(update)
    on_word()
    half = widgets.Layout(width="50%", padding="0 8px 0 0")
    tables = widgets.HBox([widgets.VBox([global_table], layout=half), widgets.VBox([contextual_table], layout=half)])
    box = widgets.VBox([widgets.HBox([word_box, button]), examples, sentence, tables, plot])
    return ExplorerControls(word_box, examples, sentence, button, global_table, contextual_table, plot, box)


def explorer_widget(state: ExplorerState, word: str | None = None) -> widgets.VBox:
    """The explorer as one widget to display: a word, an example or typed sentence, both neighbour tables, and
    the projection of the word's occurrences."""
    return explorer_controls(state, word).box
