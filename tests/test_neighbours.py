"""Nearest neighbours over word types and occurrences, 1-NN sense accuracy, the projection of occurrences."""

import math
import zlib

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from ptlib.analysis import neighbours
from ptlib.data.microworld import build_world, probes
from ptlib.data.vocab import SPECIAL_TOKENS


def fake_embed(texts):
    """A tiny deterministic contextual embedder: each token's vector plus the mean of its neighbours' (3 each side),
    so the same word gets different vectors in different contexts."""

    def vector(token):
        return torch.randn(16, generator=torch.Generator().manual_seed(zlib.crc32(token.encode())))

    out = []
    for text in texts:
        base = torch.stack([vector(token) for token in text.split()])
        context = torch.stack([base[max(0, i - 3) : i + 4].mean(0) for i in range(len(base))])
        out.append(0.3 * base + context)
    return out


def test_word_neighbours_by_cosine_exclude_the_word_special_tokens_and_unusable_words():
    words = [*SPECIAL_TOKENS, "cat", "dog", "car", "truck", "ghost"]
    vectors = torch.zeros(len(words), 2)
    vectors[:5] = torch.tensor([1.0, 0.0])  # special tokens point exactly like cat: never returned all the same
    vectors[5:] = torch.tensor([[2.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [1.0, 0.0]])
    usable = torch.tensor([True] * 9 + [False])  # ghost: no trained vector
    index = neighbours.WordIndex(vectors, words, usable)
    got = index.nearest("cat", k=10)
    assert [word for word, _ in got] == ["dog", "truck", "car"]
    assert got[0][1] == pytest.approx(0.9 / math.hypot(0.9, 0.1), abs=1e-4)
    assert got[2][1] == pytest.approx(0.0, abs=1e-4)
    assert [word for word, _ in index.nearest("car", k=1)] == ["truck"]
    assert "ghost" in index and not index.has_vector("ghost") and not index.has_vector("[UNK]")
    with pytest.raises(KeyError):
        index.nearest("ghost")
    with pytest.raises(ValueError, match="one vector per word"):
        neighbours.WordIndex(torch.zeros(3, 2), ["a", "b"])


def test_occurrence_neighbours_keep_their_rows_and_can_be_restricted_to_one_word():
    rows = [{"word": "bank", "sense": "river", "text": "a"}, {"word": "bank", "sense": "money", "text": "b"},
            {"word": "bat", "sense": "animal", "text": "c"}]
    index = neighbours.OccurrenceIndex(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.1]]), rows)
    hits = index.nearest(torch.tensor([2.0, 0.2]), k=3)
    assert [hit["occurrence"] for hit in hits] == [2, 0, 1] and hits[0]["cosine"] == pytest.approx(1.0, abs=1e-4)
    bank = index.nearest(torch.tensor([2.0, 0.2]), k=5, word="bank")
    assert [(hit["sense"], hit["text"]) for hit in bank] == [("river", "a"), ("money", "b")]
    assert index.nearest(torch.ones(2), word="crane") == []
    assert index.words == ["bank", "bat"] and index.occurrences_of("bank") == [0, 1] and len(index) == 3


def test_occurrence_index_from_an_embedder_checks_alignment():
    occurrences = probes.held_out_senses(24)
    index = neighbours.OccurrenceIndex.from_embedder(occurrences, fake_embed, batch_size=5)
    first = occurrences[0]
    expected = fake_embed([first["text"]])[0][first["position"]]
    assert torch.allclose(index.unit[0], expected / expected.norm(), atol=1e-6)
    hit = index.nearest(expected, k=1)[0]
    assert (hit["text"], hit["position"], hit["cosine"]) == (first["text"], first["position"], pytest.approx(1.0))
    with pytest.raises(ValueError, match="aligned with text.split"):
        neighbours.OccurrenceIndex.from_embedder(occurrences, lambda texts: [torch.zeros(2, 4) for _ in texts])
    with pytest.raises(ValueError, match="is not 'play'"):
        neighbours.OccurrenceIndex.from_embedder([{"text": "we play", "word": "play", "position": 0}], fake_embed)


def test_one_nn_accuracy_breaks_ties_at_random_in_expectation():
    separable = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    assert neighbours.one_nn_sense_accuracy(separable, ["x", "x", "y", "y"]) == 1.0
    # identical vectors: every other occurrence ties, so the score is the chance of a same-sense partner
    assert neighbours.one_nn_sense_accuracy(torch.ones(4, 3), ["x", "x", "x", "y"]) == pytest.approx(3 * 2 / (4 * 3))
    # a1 and a2 are each other's only nearest (different senses); a3 ties between them
    partly = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert neighbours.one_nn_sense_accuracy(partly, ["x", "y", "x"]) == pytest.approx(0.5 / 3)
    with pytest.raises(ValueError, match="at least 2"):
        neighbours.one_nn_sense_accuracy(torch.ones(1, 2), ["x"])


def test_sense_table_contextual_beats_the_global_baseline():
    occurrences = probes.held_out_senses(200, cues=3)  # three words of the sense's topic in each sentence

    topics = list(build_world(0).topic_words.items())

    def topic_embed(texts):  # every token gets its sentence's count of words per topic: an embedder that knows senses
        counts = [torch.tensor([float(sum(t in words for t in text.split())) for _, words in topics]) for text in texts]
        return [c.expand(len(text.split()), -1) for c, text in zip(counts, texts)]

    index = neighbours.OccurrenceIndex.from_embedder(occurrences, topic_embed)
    table = neighbours.sense_accuracy_table(index)
    assert [row["word"] for row in table] == sorted(set(occurrences["word"]))
    for row in table:
        senses = [s for w, s in zip(occurrences["word"], occurrences["sense"]) if w == row["word"]]
        n = len(senses)
        counts = [senses.count(s) for s in set(senses)]
        assert row["occurrences"] == n and row["senses"] == len(counts)
        assert row["global_1nn"] == pytest.approx(sum(c * (c - 1) for c in counts) / (n * (n - 1)), abs=1e-4)
        assert row["majority_sense"] == pytest.approx(max(counts) / n, abs=1e-4)
        assert row["contextual_1nn"] > row["majority_sense"] >= row["global_1nn"]


def test_projection_of_occurrences_and_its_plot():
    occurrences = probes.held_out_senses(120)
    index = neighbours.OccurrenceIndex.from_embedder(occurrences, fake_embed)
    projection = neighbours.project_occurrences(index, "play")
    n = len(index.occurrences_of("play"))
    assert projection.coords.shape == (n, 2) and len(projection.senses) == n == len(projection.texts)
    assert set(projection.senses) == {"theatre", "game", "music"}
    assert torch.allclose(projection.coords.mean(0), torch.zeros(2), atol=1e-5)  # centred on the type's mean
    assert projection.type_point.tolist() == [0.0, 0.0]
    assert projection.explained[0] >= projection.explained[1] > 0 and sum(projection.explained) <= 1 + 1e-6
    again = neighbours.project_occurrences(index, "play")
    assert torch.equal(projection.coords, again.coords)  # signs fixed: the same picture every time
    ax = neighbours.plot_projection(projection)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(label.startswith("theatre") for label in labels) and any("one vector per type" in lb for lb in labels)
    assert len(ax.collections) == 3 + 1  # one scatter per sense, and the type's point
    plt.close(ax.figure)
    figure = Figure()
    assert neighbours.plot_projection(projection, figure.subplots()).figure is figure  # draws where it is told
    ax = neighbours.plot_projection(projection, Figure().subplots(), torch.tensor([0.25, -0.5]))
    mark = [c for c in ax.collections if c.get_label() == "your sentence"]
    assert len(mark) == 1 and mark[0].get_offsets().tolist() == [[0.25, -0.5]]
    ax.figure.draw_without_rendering()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1  # the legend covers no point
    with pytest.raises(ValueError, match="at least 2"):
        neighbours.project_occurrences(index, "zebra")
