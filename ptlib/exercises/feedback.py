"""The result of checking an answer, and the few helpers every check shares.

Checks forgive form, not substance: ``15``, ``np.int64(15)`` (a pandas sum), ``torch.tensor(15)`` and ``15.0``
are the same count, so :func:`as_number`, :func:`as_whole`, :func:`as_numbers` and :func:`as_vector` bring an
answer to one plain form before it is compared. What they refuse (a string, a bool, a list where one number is
wanted) gets a message that says what was expected and what was got (:func:`describe`).
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch


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
    """Feedback for an answer left as a placeholder (``None``, ``...``, ``NotImplemented``), else None."""
    if answer is None or answer is Ellipsis or answer is NotImplemented:
        return Feedback(False, "no answer yet: replace the placeholder with your code.")
    return None


def as_number(value: Any) -> int | float | None:
    """``value`` as a Python int or float when it is one number in any usual form, else None.

    Numbers: Python ints and floats; numpy scalars (``np.int64`` from a pandas sum, ``np.float32``, ...);
    numpy arrays, torch tensors and pandas Series holding exactly one number. Integer types give an int,
    floating ones a float. Not numbers: booleans (``True`` is not layer 1), strings, None, anything longer.
    """
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    numel = getattr(value, "numel", None)  # torch
    size = numel() if callable(numel) else getattr(value, "size", None)  # numpy, pandas
    if size != 1 or not callable(getattr(value, "item", None)):
        return None
    try:
        item = value.item()
    except (TypeError, ValueError, RuntimeError):
        return None
    return None if item is value else as_number(item)


def as_whole(value: Any) -> int | None:
    """``value`` as a Python int when it is a whole number in any form :func:`as_number` accepts (``2.0`` too)."""
    number = as_number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number if isinstance(number, int) else None


def as_vector(value: Any) -> torch.Tensor | None:
    """``value`` as a float64 tensor when it is numbers in any array form (list, tuple, numpy, torch, pandas).

    Nested lists, lists of tensors and tensors that require grad or live on a GPU all work; None when ``value``
    is not an array of real numbers (a string, a set, a dict, booleans, ...).
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_, Mapping, Set)):
        return None
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.is_complex() or value.dtype == torch.bool:
            return None
        return value.to(torch.float64)
    if callable(getattr(value, "to_numpy", None)):  # pandas
        value = value.to_numpy()
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":  # a list of tensors or numpy scalars is numbers; None is not (nan)
            numeric = array.dtype == object and not any(item is None for item in array.flat)
            array = np.asarray(value, dtype=np.float64) if numeric else None
    except (TypeError, ValueError, RuntimeError):
        return None
    if array is None:
        return None
    return torch.from_numpy(np.array(array, dtype=np.float64))


def as_numbers(value: Any) -> list[int | float] | None:
    """``value`` as a list of Python numbers when it is a flat sequence of numbers in any form, else None.

    A tuple or list (of ints, numpy scalars, 0-d tensors, ...), a 1-d numpy array, tensor or pandas Series.
    """
    if value is None or isinstance(value, (str, bytes, Mapping, Set)):
        return None
    if callable(getattr(value, "to_numpy", None)):  # pandas
        value = value.to_numpy()
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
    if isinstance(value, (np.ndarray, torch.Tensor)):
        if value.ndim != 1:
            return None
        value = list(value)
    if not isinstance(value, (list, tuple)):
        return None
    numbers_ = [as_number(item) for item in value]
    return None if any(number is None for number in numbers_) else numbers_


def describe(value: Any, limit: int = 60) -> str:
    """A short 'what was got' for messages: the type and a clipped repr."""
    text = repr(value).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(value).__name__} {text}"
