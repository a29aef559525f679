"""Seeing BERT's masking: one draw in colour, the shares of each outcome over many draws, and a widget.

The widget works with ipywidgets 7 (Colab) and 8 (JupyterLab 4, Binder): it uses only FloatSlider, Text, Button,
HTML and boxes, observed by ``names="value"``. Bad input (an empty sentence) shows a message in the widget.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import torch
from tokenizers import Tokenizer

from ..data.bert_inputs import encode_input
from ..data.masking import MASKED, NOT_CHOSEN, OUTCOMES, RANDOM, UNCHANGED, MaskingRule, mask_tokens
from ..data.vocab import SPECIAL_TOKENS
from ..data.wordpiece import WordPieceError

COLOURS = {MASKED: "#f4a261", RANDOM: "#e76f51", UNCHANGED: "#2a9d8f"}  # not chosen: no colour


@dataclass(frozen=True)
class MaskingDraw:
    tokens: list[str]  # the input
    shown: list[str]  # what the model reads
    outcome: list[int]  # NOT_CHOSEN, MASKED, RANDOM or UNCHANGED per token


def draw_masks(tokenizer: Tokenizer, text: str, rule: MaskingRule, seed: int = 0) -> MaskingDraw:
    """One masking draw of ``text`` (as ``[CLS] text [SEP]``) by ``rule``."""
    encoded = encode_input(tokenizer, text)
    ids = torch.tensor([encoded.input_ids])
    masked = mask_tokens(ids, torch.ones_like(ids), tokenizer.get_vocab_size(), rule,
                         torch.Generator().manual_seed(seed))
    shown = [tokenizer.id_to_token(i) for i in masked.input_ids[0].tolist()]
    return MaskingDraw(encoded.tokens, shown, masked.outcome[0].tolist())


def legend_html() -> str:
    return " ".join(f'<span style="background:{COLOURS[o]}; padding:1px 6px; border-radius:3px">{OUTCOMES[o]}</span>'
                    for o in (MASKED, RANDOM, UNCHANGED)) + " — chosen tokens; the model must predict each of them"


def masking_html(draw: MaskingDraw) -> str:
    """The input with each chosen token coloured by its outcome, and what the model reads in its place."""
    cells = []
    for token, shown, outcome in zip(draw.tokens, draw.shown, draw.outcome):
        if outcome == NOT_CHOSEN:
            cells.append(f'<span style="padding:1px 3px">{html.escape(token)}</span>')
            continue
        label = html.escape(token) if outcome == UNCHANGED else f"{html.escape(token)} → {html.escape(shown)}"
        cells.append(f'<span style="background:{COLOURS[outcome]}; padding:1px 4px; border-radius:3px" '
                     f'title="{OUTCOMES[outcome]}">{label}</span>')
    return '<div style="line-height:2; font-family:monospace">' + " ".join(cells) + "</div>"


def outcome_counts(input_ids: torch.Tensor, attention_mask: torch.Tensor, vocab_size: int, rule: MaskingRule,
                   draws: int, seed: int = 0) -> dict[str, int]:
    """How often each outcome happened over ``draws`` draws of the batch: the counts of real word tokens, of
    chosen tokens, of each outcome among them, and of chosen special or padding tokens (which must stay 0)."""
    generator = torch.Generator().manual_seed(seed)
    words = attention_mask.bool() & (input_ids >= len(SPECIAL_TOKENS))
    counts = {"word tokens": 0, "chosen": 0, **{OUTCOMES[o]: 0 for o in (MASKED, RANDOM, UNCHANGED)},
              "chosen special or padding": 0}
    for _ in range(draws):
        outcome = mask_tokens(input_ids, attention_mask, vocab_size, rule, generator).outcome
        chosen = outcome != NOT_CHOSEN
        counts["word tokens"] += int(words.sum())
        counts["chosen"] += int(chosen.sum())
        for o in (MASKED, RANDOM, UNCHANGED):
            counts[OUTCOMES[o]] += int((outcome == o).sum())
        counts["chosen special or padding"] += int((chosen & ~words).sum())
    return counts


def masking_widget(tokenizer: Tokenizer, text: str, rate: float = 0.15, seed: int = 0) -> widgets.VBox:
    """A sentence, a slider for the masking rate and a re-draw button; each draw shown in colour (80/10/10 kept)."""
    sentence = widgets.Text(value=text, description="sentence", continuous_update=False,
                            layout=widgets.Layout(width="90%"))
    slider = widgets.FloatSlider(value=rate, min=0.05, max=0.5, step=0.05, description="masking rate",
                                 readout_format=".2f", continuous_update=False,
                                 style={"description_width": "initial"})
    button = widgets.Button(description="re-draw", button_style="primary")
    shown = widgets.HTML()
    draws = {"seed": seed}

    def update(*_: object) -> None:
        try:
            draw = draw_masks(tokenizer, sentence.value, MaskingRule(rate=slider.value), draws["seed"])
        except WordPieceError as error:
            shown.value = f'<div style="color:#b35900">{html.escape(str(error))}</div>'
            return
        chosen = sum(o != NOT_CHOSEN for o in draw.outcome)
        words = sum(token not in SPECIAL_TOKENS for token in draw.tokens)
        shown.value = (masking_html(draw) + f"<div>{chosen} of {words} word tokens chosen (draw "
                       f"{draws['seed'] - seed + 1}). {legend_html()}</div>")

    def redraw(_: object) -> None:
        draws["seed"] += 1
        update()

    sentence.observe(update, names="value")
    slider.observe(update, names="value")
    button.on_click(redraw)
    update()
    return widgets.VBox([sentence, widgets.HBox([slider, button]), shown])
