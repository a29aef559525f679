"""Run modes: one switch, clear errors for bad values, every size in one place."""

import dataclasses

import pytest

from ptlib import config

SECTIONS = ("corpus", "tasks", "lm", "ulmfit", "glove", "bilm", "bert", "bert_finetune")


def test_default_is_full_and_the_environment_picks_the_mode(monkeypatch):
    monkeypatch.delenv("PTLIB_MODE", raising=False)
    assert config.mode() == "full" and config.sizes() == config.FULL and config.sizes().mode == "full"
    monkeypatch.setenv("PTLIB_MODE", " Quick ")
    assert config.mode() == "quick" and config.sizes() == config.QUICK
    assert config.sizes("quick").mode == "quick" and config.sizes("full").mode == "full"


def test_full_holds_the_dataclass_defaults():
    # FULL is Sizes() itself; written out by hand for one field per section so that a changed default shows up
    assert config.FULL == config.Sizes()
    assert config.FULL.mode == "full"
    assert (config.FULL.corpus.sentences, config.FULL.tasks.train, config.FULL.lm.hidden) == (80_000, 1_000, 256)
    assert [f.name for f in dataclasses.fields(config.Sizes)] == ["mode", *SECTIONS]


def test_quick_differs_from_full_exactly_in_the_quick_overrides():
    quick, full = dataclasses.asdict(config.QUICK), dataclasses.asdict(config.FULL)
    assert quick.pop("mode") == "quick" and full.pop("mode") == "full"
    assert set(quick) == set(full) == set(SECTIONS) == set(config.QUICK_OVERRIDES)
    differing = set()
    for section in SECTIONS:
        assert set(quick[section]) == set(full[section]), section
        for name in full[section]:
            if quick[section][name] != full[section][name]:
                differing.add((section, name))
    overridden = {(section, name) for section, fields in config.QUICK_OVERRIDES.items() for name in fields}
    # every override really changes something, and nothing else changes
    assert differing == overridden
    for section, name in overridden:
        assert quick[section][name] == config.QUICK_OVERRIDES[section][name], (section, name)


def test_quick_is_no_bigger_than_full():
    for section in SECTIONS:
        for name, value in config.QUICK_OVERRIDES[section].items():
            assert value <= getattr(getattr(config.FULL, section), name), (section, name)


def test_unknown_mode_says_what_to_do(monkeypatch):
    monkeypatch.setenv("PTLIB_MODE", "fast")
    with pytest.raises(config.RunModeError, match="'fast' is not a run mode. Use one of quick, full"):
        config.sizes()
    with pytest.raises(config.RunModeError, match="'medium'"):
        config.sizes("medium")


def test_overrides_replace_single_fields_and_leave_the_rest():
    small = config.sizes("quick", corpus={"sentences": 10}, lm={"epochs": 1, "hidden": 8})
    assert small.mode == "quick"
    assert (small.corpus.sentences, small.lm.epochs, small.lm.hidden) == (10, 1, 8)
    expected = dataclasses.asdict(config.QUICK)
    expected["corpus"]["sentences"] = 10
    expected["lm"].update(epochs=1, hidden=8)
    assert dataclasses.asdict(small) == expected
    # the shared objects are frozen and not changed by an override
    assert config.QUICK.corpus.sentences == config.QUICK_OVERRIDES["corpus"]["sentences"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        small.lm.epochs = 5  # type: ignore[misc]
    assert config.FULL.override() == config.FULL
    assert config.FULL.override(tasks={"seeds": 7}).tasks.seeds == 7 and config.FULL.tasks.seeds == 3


@pytest.mark.parametrize(
    "sections, message",
    [
        ({"lms": {"epochs": 1}}, r"unknown configuration section 'lms'; the sections are \['corpus', 'tasks'"),
        ({"mode": {"x": 1}}, "unknown configuration section 'mode'"),
        ({"lm": {"epoch": 1}}, r"unknown field\(s\) \['epoch'\] in lm; its fields are \["),
        ({"corpus": {"sentences": 5, "sentence": 5, "words": 1}}, r"\['sentence', 'words'\] in corpus"),
    ],
)
def test_override_rejects_unknown_sections_and_fields(sections, message):
    with pytest.raises(TypeError, match=message):
        config.FULL.override(**sections)
    with pytest.raises(TypeError, match=message):
        config.sizes("quick", **sections)


def test_the_softmax_cutoffs_override_takes_a_tuple_of_whole_numbers():
    import numpy as np

    from ptlib import config

    assert config.FULL.override(lm={"softmax_cutoffs": [np.int64(500), 2000]}).lm.softmax_cutoffs == (500, 2000)
    assert config.FULL.override(lm={"softmax_cutoffs": ()}).lm.softmax_cutoffs == ()
    for bad in (1000, (1000, -1), ("a",), (1.5,)):
        with pytest.raises(TypeError, match="lm.softmax_cutoffs must be a tuple of whole numbers"):
            config.FULL.override(lm={"softmax_cutoffs": bad})
