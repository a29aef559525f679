"""Checks of the arguments that students and lecturers pass to the public functions.

Each says what is wrong with a bad argument in the caller's terms, instead of letting it fail later inside a
library (``'NoneType' object is not iterable``). Forms that mean the same are accepted: ``np.int64(3)`` (a pandas
sum) is the integer 3.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np


def whole_number(value: Any) -> int | None:
    """``value`` as a Python int when it is an integer of any kind (``3``, ``np.int64(3)``), else None.

    Booleans, floats (even ``3.0``) and strings are not integers here.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    return None


def path(value: Any, what: str = "path") -> Path:
    """``value`` as a Path when it is a str or a path-like object, else a TypeError saying what it is instead."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what} must be the path of a file or folder (a str or a Path), got {type(value).__name__}")
    return Path(value)


def text(value: Any, what: str = "text", error: type[Exception] = TypeError) -> str:
    """``value`` itself when it is a string, else ``error`` saying what it is instead."""
    if not isinstance(value, str):
        hint = " (pass ds['text'], not the dataset rows)" if isinstance(value, Mapping) else ""
        raise error(f"{what} must be a string, got {type(value).__name__}{hint}")
    return value


def texts(value: Any, what: str = "texts", error: type[Exception] = TypeError) -> list[str]:
    """``value`` as a list of strings when it is an iterable of them (a list, a tuple, a dataset column ...).

    ``error`` names the problem otherwise: one string (which would be read as its characters), a mapping, something
    not iterable (None, a number), or an item that is not a string.
    """
    if isinstance(value, (str, bytes)):
        raise error(f"{what} must be an iterable of strings (e.g. a list of sentences), not one string")
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise error(f"{what} must be an iterable of strings (e.g. a list of sentences), got {type(value).__name__}")
    out = list(value)
    for i, item in enumerate(out):
        text(item, f"{what}[{i}]", error)
    return out
