"""The result of checking an answer."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return f"{'✓ Correct' if self.correct else '✗ Not yet'}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.correct else "#b35900"
        return f'<div style="color:{colour}; font-weight:600">{html.escape(str(self))}</div>'


def check(correct: bool, when_right: str, when_wrong: str) -> Feedback:
    """Feedback that explains itself either way."""
    return Feedback(bool(correct), when_right if correct else when_wrong)


def not_answered(answer: object) -> Feedback | None:
    """Feedback for an answer left as ``None`` or ``...``, else None."""
    if answer is None or answer is Ellipsis:
        return Feedback(False, "no answer yet: replace the placeholder with your code.")
    return None
