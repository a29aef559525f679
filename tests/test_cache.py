"""The cache: built once, read back, keyed by configuration; damaged or outdated entries are rebuilt."""

import pytest
import torch

from ptlib import cache


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    return tmp_path


def counting_builder(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_built_once_then_read(root):
    build, calls = counting_builder({"w": torch.ones(3)})
    first = cache.cached("thing", {"a": 1}, build)
    second = cache.cached("thing", {"a": 1}, build)
    assert len(calls) == 1 and torch.equal(first["w"], second["w"])
    assert cache.cache_path("thing", {"a": 1}).parent == root


def test_key_depends_on_configuration_not_on_key_order(root):
    assert cache.config_key({"a": 1, "b": 2}) == cache.config_key({"b": 2, "a": 1})
    assert cache.config_key({"a": 1}) != cache.config_key({"a": 2})
    build, calls = counting_builder(1)
    cache.cached("thing", {"a": 1}, build)
    cache.cached("thing", {"a": 2}, build)
    assert len(calls) == 2
    cache.cached("thing", {"t": (1, 2)}, build)
    cache.cached("thing", {"t": [1, 2]}, build)  # a tuple comes back as a list: same configuration
    assert len(calls) == 3


@pytest.mark.parametrize("damage", ["truncate", "garbage", "old_format", "other_config"])
def test_damaged_or_outdated_entries_are_rebuilt_with_a_warning(root, damage):
    build, calls = counting_builder([1, 2, 3])
    cache.cached("thing", {"a": 1}, build)
    path = cache.cache_path("thing", {"a": 1})
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:10])
    elif damage == "garbage":
        path.write_bytes(b"not a torch file at all")
    elif damage == "old_format":
        torch.save({"format": cache.CACHE_FORMAT - 1, "config": {"a": 1}, "payload": [9]}, path)
    else:
        torch.save({"format": cache.CACHE_FORMAT, "config": {"a": 99}, "payload": [9]}, path)
    with pytest.warns(cache.CacheWarning, match="rebuilding"):
        assert cache.cached("thing", {"a": 1}, build) == [1, 2, 3]
    assert len(calls) == 2
    assert cache.cached("thing", {"a": 1}, build) == [1, 2, 3] and len(calls) == 2  # repaired


def test_refresh_clear_and_bad_names(root):
    build, calls = counting_builder(5)
    cache.cached("thing", {}, build)
    cache.cached("thing", {}, build, refresh=True)
    assert len(calls) == 2
    cache.cached("thing-two", {}, build)
    assert cache.clear("thing") == 1 and cache.clear() == 1 and cache.clear() == 0
    with pytest.raises(ValueError, match="may only hold"):
        cache.cache_path("../escape", {})
    with pytest.raises(TypeError, match="JSON-serialisable"):
        cache.config_key({"f": object()})
