"""The notebooks' widgets in JupyterLab, in headless Chromium, as a student uses them.

Each notebook that holds a widget runs in quick mode up to its widget; then every control is operated (a word
typed key by key, an example picked, a sentence typed, Enter, the button) with good and bad input, and what the
widget shows is checked after each step. The projection on screen is compared with the one the kernel draws
for the same word and sentence, whose legend says whether the student's sentence is marked.
"""

from __future__ import annotations

import ast
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import ARTIFACTS, ROOT, Lab
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

WIDGET_NOTEBOOKS = ["05_global_vs_contextual.ipynb", "06_bert_inputs_and_masking.ipynb"]
WIDGET_CODE = re.compile(r"ipywidgets|\binteract(ive)?\(|_widget\(")
RUN_S = 300  # running up to the widget; a cold cache trains the quick-mode models in the kernel
STEP_MS = 20_000  # one widget update: a kernel round trip, the biLM reading one sentence
expect.set_options(timeout=STEP_MS)
# Defined silently in the kernel: the PNG that the explorer draws for (word, sentence), and its legend's labels.
KERNEL_HELPER = """
def _browser_test_projection(word, sentence):
    import base64
    from ptlib.analysis.explorer import figure_png
    figure = state.projection(word, sentence)
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    return base64.b64encode(figure_png(figure)).decode("ascii"), legend
"""


def notebooks_with_widgets() -> list[str]:
    names = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        if any(cell["cell_type"] == "code" and WIDGET_CODE.search("".join(cell["source"])) for cell in cells):
            names.append(path.name)
    return names


def test_the_browser_tests_cover_every_notebook_with_a_widget() -> None:
    assert notebooks_with_widgets() == WIDGET_NOTEBOOKS


def run_up_to(page: Page, lab: Lab, notebook: str, marker: str) -> Locator:
    """Open ``notebook`` in JupyterLab, clear its stored outputs, run every cell up to and including the first
    whose source holds ``marker``, and return that cell (once it ran without an error anywhere above)."""
    page.goto(lab.notebook_url(notebook))
    # the notebook asked for, not one an earlier test left open (JupyterLab restores its workspace)
    page.wait_for_function("""name => {
        const panel = window.jupyterapp?.shell.currentWidget;
        return panel?.context?.path?.endsWith(name) && panel.sessionContext?.session?.kernel
            && panel.sessionContext.kernelDisplayStatus === "idle" && panel.content.widgets.length > 0;
    }""", arg=notebook, timeout=120_000)
    index = page.evaluate("""marker => {
        const panel = window.jupyterapp.shell.currentWidget, commands = window.jupyterapp.commands;
        window.testPanel = panel;
        const index = panel.content.widgets.findIndex(cell => cell.model.sharedModel.getSource().includes(marker));
        if (index < 0) return index;
        (async () => {
            await commands.execute("notebook:clear-all-cell-outputs");
            panel.content.activeCellIndex = index;
            await commands.execute("notebook:run-all-above");  // each resolves once its cells have run
            panel.content.activeCellIndex = index;
            await commands.execute("notebook:run-cell");
        })().then(() => { window.testRun = "done"; }, error => { window.testRun = String(error); });
        return index;
    }""", marker)
    assert index >= 0, f"no cell of {notebook} holds {marker!r}"
    page.wait_for_function("() => window.testRun !== undefined", timeout=RUN_S * 1000)
    assert page.evaluate("window.testRun") == "done"
    errors = page.evaluate("""last => window.testPanel.content.widgets.slice(0, last + 1).flatMap((cell, i) =>
        cell.model.type !== "code" ? [] : cell.model.executionCount === null ? [`cell ${i} did not run`]
            : cell.model.outputs.toJSON().filter(output => output.output_type === "error")
                .map(output => `cell ${i}: ${output.ename}: ${output.evalue}`))""", index)
    assert errors == [], f"{notebook} failed in the browser: {errors}"
    status = page.evaluate("""async code => (await window.testPanel.sessionContext.session.kernel.requestExecute(
        {code, silent: true, store_history: false}).done).content.status""", KERNEL_HELPER)
    assert status == "ok"
    panel = page.evaluate("window.testPanel.id")  # the DOM id of this notebook's panel: others may stay open
    return page.locator(f"[id='{panel}'] .jp-Notebook .jp-Cell").nth(index)


def kernel_value(page: Page, expression: str) -> Any:
    """The value of a Python expression (a literal) in the notebook's kernel."""
    result = page.evaluate("""async expression => {
        const reply = await window.testPanel.sessionContext.session.kernel.requestExecute(
            {code: "", silent: true, store_history: false, user_expressions: {value: expression}}).done;
        return reply.content.user_expressions.value;
    }""", expression)
    assert result["status"] == "ok", f"{expression} failed in the kernel: {result}"
    return ast.literal_eval(result["data"]["text/plain"])


@dataclass
class Explorer:
    """The explorer's controls and displays, found in its cell's output."""

    cell: Locator

    def __post_init__(self) -> None:
        widget = self.cell.locator(".jp-OutputArea")
        self.word = widget.get_by_label("word", exact=True)
        self.examples = widget.get_by_label("examples", exact=True)
        self.sentence = widget.get_by_label("sentence", exact=True)
        self.button = widget.get_by_role("button", name="compare")
        self.global_table = widget.locator(".widget-html-content").nth(0)
        self.contextual_table = widget.locator(".widget-html-content").nth(1)
        self.plot = widget.locator(".widget-output")

    def check_controls(self) -> None:
        """The controls operated below are all it has (three labelled ones and the button): a new one, such as a
        slider, needs steps of its own."""
        widget = self.cell.locator(".jp-OutputArea")
        labels = widget.locator(".widget-label").filter(has_text=re.compile(r"\S"))  # the HTML ones have none
        expect(labels).to_have_text(["word", "examples", "sentence"])
        expect(widget.locator("input, select, textarea, button, .widget-slider")).to_have_count(4)

    def options(self) -> list[str]:
        return self.examples.locator("option").evaluate_all("options => options.map(option => option.value)")

    def shown(self) -> tuple[str, str, str]:
        """Both tables' HTML and the plot's HTML (the image with its data, or the message)."""
        return (self.global_table.inner_html(), self.contextual_table.inner_html(), self.plot.inner_html())

    @staticmethod
    def record(display: Locator) -> None:
        """Start recording each new content of ``display`` (read with :meth:`recorded`)."""
        display.evaluate("""element => {
            element.testObserver?.disconnect();
            element.testSeen = [element.innerHTML];
            element.testObserver = new MutationObserver(() => {
                if (element.testSeen.at(-1) !== element.innerHTML) element.testSeen.push(element.innerHTML);
            });
            element.testObserver.observe(element, {childList: true, subtree: true, characterData: true});
        }""")

    @staticmethod
    def recorded(display: Locator) -> list[str]:
        """The contents ``display`` has shown since :meth:`record`, after the one it had then."""
        return display.evaluate("element => element.testSeen.slice(1)")

    @staticmethod
    def type_into(box: Locator, text: str, key_by_key: bool = False) -> None:
        """Put ``text`` in ``box``, at once or typed key by key; nothing is committed before Enter or leaving it."""
        box.fill("")
        if key_by_key:
            box.press_sequentially(text)
        else:
            box.fill(text)


def expect_projection(page: Page, explorer: Explorer, word: str, sentence: str, marked: bool) -> None:
    """The plot shows the kernel's projection of ``word`` with ``sentence``, and marks the sentence iff ``marked``."""
    png, legend = kernel_value(page, f"_browser_test_projection({word!r}, {sentence!r})")
    assert ("your sentence" in legend) is marked, (word, sentence, legend)
    try:
        page.wait_for_function("([plot, src]) => plot.querySelector('img')?.src === src",
                               arg=[explorer.plot.element_handle(), f"data:image/png;base64,{png}"], timeout=STEP_MS)
    except PlaywrightTimeout:
        shown = explorer.plot.inner_text() or "an image of another projection"
        raise AssertionError(f"the plot does not show the projection of {word!r} in {sentence!r}; it shows: "
                             f"{shown[:300]}") from None


def expect_message_in_plot(explorer: Explorer, says: str) -> None:
    expect(explorer.plot).to_contain_text(says)
    expect(explorer.plot.locator("img")).to_have_count(0)


def screenshot(explorer: Explorer, name: str) -> None:
    explorer.cell.screenshot(path=ARTIFACTS / f"05_explorer-{name}.png")


@pytest.mark.browser
def test_explorer_widget_in_jupyterlab(lab: Lab, page: Page) -> None:
    started = time.perf_counter()
    explorer = Explorer(run_up_to(page, lab, "05_global_vs_contextual.ipynb", "explorer_widget("))

    # as it opens: play, its first example, both tables, the projection with that sentence marked
    explorer.check_controls()
    expect(explorer.word).to_have_value("play")
    options = explorer.options()
    assert len(options) >= 3 and all("play" in option.split() for option in options), options
    expect(explorer.sentence).to_have_value(options[0])
    expect(explorer.global_table).to_contain_text("Nearest words to play")
    expect(explorer.contextual_table).to_contain_text(f"nearest to its use in: {options[0]}")
    expect(explorer.contextual_table.locator("mark").first).to_have_text("play")
    expect_projection(page, explorer, "play", options[0], marked=True)
    screenshot(explorer, "01-opened")

    # picking an example runs it
    explorer.examples.select_option(options[-1])
    expect(explorer.sentence).to_have_value(options[-1])
    expect(explorer.contextual_table).to_contain_text(f"nearest to its use in: {options[-1]}")
    expect_projection(page, explorer, "play", options[-1], marked=True)
    screenshot(explorer, "02-example-picked")

    # a typed sentence: nothing per keystroke, one update on Enter, the student's sentence marked
    typed = "Yesterday the kids ran outside to PLAY football."
    explorer.record(explorer.contextual_table)
    explorer.type_into(explorer.sentence, typed, key_by_key=True)
    explorer.sentence.press("Enter")
    expect(explorer.contextual_table).to_contain_text("nearest to its use in: yesterday the kids ran outside to "
                                                      "play football .")
    assert len(explorer.recorded(explorer.contextual_table)) == 1, "the table changed before Enter"
    expect(explorer.global_table).to_contain_text("Nearest words to play")
    expect_projection(page, explorer, "play", typed, marked=True)
    entered = explorer.shown()
    screenshot(explorer, "03-sentence-typed-enter")

    # the button does what Enter does
    explorer.type_into(explorer.sentence, "we saw a great play last night .")
    explorer.sentence.press("Enter")
    expect(explorer.contextual_table).to_contain_text("nearest to its use in: we saw a great play last night .")
    explorer.type_into(explorer.sentence, typed)
    explorer.button.click()
    expect(explorer.contextual_table).to_contain_text("yesterday the kids ran outside to play football .")
    expect_projection(page, explorer, "play", typed, marked=True)
    assert explorer.shown() == entered
    screenshot(explorer, "04-sentence-typed-button")

    # sentences with nothing to mark: a message in the table, the projection without a mark
    for sentence, says in [("", "Type a sentence that uses 'play'"),
                           ("the band began to sing", "The sentence does not contain the word 'play'")]:
        explorer.type_into(explorer.sentence, sentence)
        explorer.sentence.press("Enter")
        expect(explorer.contextual_table).to_contain_text(says)
        expect_projection(page, explorer, "play", sentence, marked=False)
    screenshot(explorer, "05-sentence-without-the-word")

    # a new word, typed key by key: one update on Enter, its own examples and projection
    explorer.record(explorer.global_table)
    explorer.type_into(explorer.word, "bank", key_by_key=True)
    explorer.word.press("Enter")
    expect(explorer.global_table).to_contain_text("Nearest words to bank")
    assert len(explorer.recorded(explorer.global_table)) == 1, "the table changed before Enter"
    bank_options = explorer.options()
    assert len(bank_options) >= 3 and all("bank" in option.split() for option in bank_options), bank_options
    expect(explorer.sentence).to_have_value(bank_options[0])
    expect(explorer.contextual_table.locator("mark").first).to_have_text("bank")
    expect_projection(page, explorer, "bank", bank_options[0], marked=True)
    screenshot(explorer, "06-word-typed")

    # bad words after a good one: messages everywhere, and no plot of the previous word left
    bad_words = [("plya", ["'plya' is not in the vocabulary", "Did you mean: play"],
                  "'plya' has no recorded occurrences", "No projection: 'plya' needs at least 2"),
                 ("river", ["Nearest words to river"], "'river' has no recorded occurrences",
                  "No projection: 'river' needs at least 2"),
                 ("", ["Type a word"], "Type a word", "Type a word")]
    for word, global_says, contextual_says, plot_says in bad_words:
        explorer.type_into(explorer.word, "bank")
        explorer.word.press("Enter")
        expect(explorer.global_table).to_contain_text("Nearest words to bank")
        expect(explorer.plot.locator("img")).to_have_count(1)
        explorer.type_into(explorer.word, word)
        explorer.word.press("Enter")
        for says in global_says:
            expect(explorer.global_table).to_contain_text(says)
        expect(explorer.contextual_table).to_contain_text(contextual_says)
        expect_message_in_plot(explorer, plot_says)
        if word:
            expect(explorer.examples.locator("option")).to_have_count(0)
        screenshot(explorer, f"07-bad-word-{word or 'empty'}")

    # after bad input, a word typed then the button: the explorer works again
    explorer.type_into(explorer.word, "play")
    explorer.button.click()
    expect(explorer.global_table).to_contain_text("Nearest words to play")
    expect(explorer.sentence).to_have_value(options[0])
    expect_projection(page, explorer, "play", options[0], marked=True)
    screenshot(explorer, "08-word-button")
    page.screenshot(path=ARTIFACTS / "05_explorer-page.png", full_page=True)
    print(f"browser test of notebook 05: {time.perf_counter() - started:.0f} s")


def chosen_count(shown: Locator) -> tuple[int, int, int]:
    """(chosen, word tokens, draw) as the masking widget's summary line says them."""
    found = re.search(r"(\d+) of (\d+) word tokens chosen \(draw (\d+)\)", shown.inner_text())
    assert found, shown.inner_text()
    return int(found[1]), int(found[2]), int(found[3])


def test_masking_widget_in_jupyterlab(lab: Lab, page: Page) -> None:
    started = time.perf_counter()
    cell = run_up_to(page, lab, "06_bert_inputs_and_masking.ipynb", "masking_widget(")
    widget = cell.locator(".jp-OutputArea")
    sentence = widget.get_by_label("sentence", exact=True)
    button = widget.get_by_role("button", name="re-draw")
    readout = widget.locator(".widget-readout")
    shown = widget.locator(".widget-html-content")
    expect(widget.locator("input, select, textarea, button, .widget-slider")).to_have_count(3)

    # as it opens: the notebook's pair, 15% of its word tokens chosen, each coloured by its outcome
    expect(shown).to_contain_text("word tokens chosen (draw 1)")
    chosen, words, _ = chosen_count(shown)
    assert chosen == max(1, round(0.15 * words)), (chosen, words)
    expect(shown.locator("span[title]")).to_have_count(chosen)
    page.screenshot(path=ARTIFACTS / "06_masking-opened.png")

    # re-draw: a new draw of the same sentence, as many tokens chosen
    button.click()
    expect(shown).to_contain_text("(draw 2)")
    assert chosen_count(shown)[:2] == (chosen, words)

    # the rate, typed into the slider's readout: more tokens chosen
    readout.fill("0.5")
    readout.press("Enter")
    expect(readout).to_have_text("0.50")
    expect(shown).to_contain_text(f"{round(0.5 * words)} of {words} word tokens chosen")
    expect(shown.locator("span[title]")).to_have_count(round(0.5 * words))

    # a sentence of one's own on Enter, then an empty one: a message in the widget, not a traceback
    sentence.fill("the cat sat on the mat .")
    sentence.press("Enter")
    expect(shown).to_contain_text("word tokens chosen")
    pieces = kernel_value(page, "len(bert.tokenizer.encode('the cat sat on the mat .').ids) - 2")
    assert chosen_count(shown)[1] == pieces
    sentence.fill("   ")
    sentence.press("Enter")
    expect(shown).to_contain_text("is empty")
    expect(widget.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "06_masking-empty.png")
    print(f"browser test of notebook 06: {time.perf_counter() - started:.0f} s")
