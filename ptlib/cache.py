"""An on-disk cache for trained models and derived data, keyed by the configuration that produced them.

A later notebook that asks for the same thing with the same configuration gets the stored
result instead of training again. An entry that is truncated, unreadable, from an older cache
format, or stored under a different configuration is rebuilt (with a one-line warning), never
crashed on; a result that cannot be stored is returned all the same (with a warning). A cache
folder that cannot be used (``PTLIB_CACHE`` names a file) is an error at once, before any training.

    >>> state = cached("lm", {"hidden": 256, "epochs": 3}, lambda: train_lm(...))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import torch

CACHE_VARIABLE = "PTLIB_CACHE"
# Bump when the layout of stored entries changes: older entries are then rebuilt.
CACHE_FORMAT = 1

T = TypeVar("T")


class CacheWarning(UserWarning):
    """Issued when a cache entry is rebuilt because it could not be used, or a result could not be stored."""


class CacheLocationError(ValueError):
    """Raised when the cache folder cannot be used: ``PTLIB_CACHE`` names a file, or the folder cannot be made."""


def _usable(folder: Path) -> Path:
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise CacheLocationError(f"the cache folder {folder} cannot be used: {blocking} is a file. Point "
                                 f"{CACHE_VARIABLE} at a folder, or unset it for ~/.cache/ptlib.")
    return folder


def cache_dir() -> Path:
    """The cache folder: ``$PTLIB_CACHE`` if set, else ``~/.cache/ptlib``; a :class:`CacheLocationError` if it is
    a file."""
    root = os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache" / "ptlib"
    return _usable(Path(root).expanduser())


def config_key(config: Mapping[str, Any]) -> str:
    """A short stable hash of a JSON-serialisable configuration (key order does not matter)."""
    try:
        canonical = json.dumps(config, sort_keys=True, separators=(",", ":"))
    except TypeError as error:
        raise TypeError(f"a cache configuration must be JSON-serialisable: {error}") from None
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _normalised(config: Mapping[str, Any]) -> dict[str, Any]:
    # JSON round trip, so that tuples and lists (or int and float keys) compare as stored.
    return json.loads(json.dumps(config, sort_keys=True))


def cache_path(name: str, config: Mapping[str, Any], root: Path | None = None) -> Path:
    """Where the entry for ``name`` under ``config`` lives."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(f"cache name {name!r} may only hold letters, digits, '_', '.' and '-'")
    return (root or cache_dir()) / f"{name}-{config_key(config)}.pt"


def _load_entry(path: Path, config: Mapping[str, Any]) -> tuple[bool, Any, str]:
    """(usable, payload, reason why not)."""
    try:
        entry = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as error:  # a truncated or foreign file raises many different errors
        return False, None, f"unreadable ({error.__class__.__name__})"
    if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
        found = entry.get("format") if isinstance(entry, dict) else type(entry).__name__
        return False, None, f"cache format {found!r}, expected {CACHE_FORMAT}"
    if entry.get("config") != _normalised(config):
        return False, None, "stored under a different configuration"
    return True, entry["payload"], ""


def cached(
    name: str,
    config: Mapping[str, Any],
    build: Callable[[], T],
    *,
    root: Path | None = None,
    refresh: bool = False,
) -> T:
    """Return the cached result of ``build()`` for ``(name, config)``, building and storing it if needed.

    ``build`` must return something ``torch.save`` can store (tensors, state dicts, lists, dicts,
    NumPy arrays, dataclasses). ``refresh=True`` rebuilds even when a usable entry exists.
    """
    path = cache_path(name, config, root)
    if path.exists() and not refresh:
        usable, payload, reason = _load_entry(path, config)
        if usable:
            return payload
        warnings.warn(f"cache entry {path.name} is {reason}; rebuilding it", CacheWarning, stacklevel=2)
    try:  # before building: a folder that cannot be made must not cost a training run
        _usable(path.parent).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheLocationError(f"cannot make the cache folder {path.parent} ({error.strerror}); point "
                                 f"{CACHE_VARIABLE} at a folder you can write to") from error
    payload = build()
    # Write to a temporary file first so an interrupted save never leaves a truncated entry.
    partial = path.with_suffix(f".partial-{os.getpid()}")
    try:
        torch.save({"format": CACHE_FORMAT, "name": name, "config": _normalised(config), "payload": payload}, partial)
        os.replace(partial, path)
    except Exception as error:  # a payload torch cannot pickle, a full disk: keep the result, leave no partial file
        partial.unlink(missing_ok=True)
        warnings.warn(f"could not store cache entry {path.name} ({error.__class__.__name__}: {error}); the result "
                      "is returned but not cached", CacheWarning, stacklevel=2)
    return payload


def clear(name: str | None = None, root: Path | None = None) -> int:
    """Delete the entries for ``name`` (all entries if None); returns how many were removed."""
    folder = _usable(root) if root else cache_dir()
    if not folder.exists():
        return 0
    entry_name = re.compile(rf"{re.escape(name) if name else '.+'}-[0-9a-f]{{16}}\.pt")
    removed = 0
    for path in folder.iterdir():
        if entry_name.fullmatch(path.name):
            path.unlink()
            removed += 1
    return removed
