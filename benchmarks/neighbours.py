"""Figures for global vectors and nearest neighbours: GloVe's cost and quality, and how fast a query is.

- GloVe in quick and full mode: seconds to count co-occurrences and to train, non-zero counts, final loss;
- quality: for the words of the micro-world's distributional classes (animals, foods, colours, tools), the share
  of their 5 nearest words from the same class, at 50 and 100 dimensions (full mode);
- the nearest words to the ambiguous words (full mode), to compare with the lecture's GloVe row for "play";
- query latency on a quick-mode explorer state: a word query, an occurrence query (one matrix-vector product),
  and the explorer's functions end to end. The contextual vectors come from a stand-in embedder of ELMo-like
  width (random context vectors, no model), so the latency excludes the time a biLM takes to read a sentence;
- the global 1-NN baseline and the majority-sense rate per ambiguous word (they need no vectors).

Run: ``python benchmarks/neighbours.py`` (about a minute on 2 cores). Nothing else should be running.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
import zlib
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config, data, pretrained  # noqa: E402
from ptlib.analysis import explorer, neighbours  # noqa: E402
from ptlib.data.cooccurrences import cooccurrences  # noqa: E402
from ptlib.data.microworld import lexicon, probes  # noqa: E402
from ptlib.train.glove import train_glove  # noqa: E402

STAND_IN_WIDTH = 512  # ELMo's published vectors are 1024 wide; the course's biLM is smaller
REPEATS = 200


def stand_in_embed(texts: list[str]) -> list[torch.Tensor]:
    """Each token: a fixed random vector per word, plus the mean over the 3 words either side."""

    def vector(token: str) -> torch.Tensor:
        return torch.randn(STAND_IN_WIDTH, generator=torch.Generator().manual_seed(zlib.crc32(token.encode())))

    out = []
    for text in texts:
        base = torch.stack([vector(token) for token in text.split()])
        out.append(torch.stack([base[max(0, i - 3) : i + 4].mean(0) for i in range(len(base))]) + 0.3 * base)
    return out


def class_purity(vectors: torch.Tensor, vocab, observed: torch.Tensor, k: int = 5) -> float:
    """Mean share of a class word's k nearest words that belong to its class."""
    index = neighbours.WordIndex(vectors, vocab.tokens, observed)
    shares = []
    for members in lexicon.CLASSES.values():
        present = [word for word in members if index.has_vector(word)]
        for word in present:
            shares.append(sum(other in present for other, _ in index.nearest(word, k)) / k)
    return sum(shares) / len(shares)


def milliseconds(call, repeats: int = REPEATS) -> float:
    """Median wall time of ``call()`` in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def main() -> None:
    figures: dict[str, float | int | str] = {}
    trained = {}
    for mode in ("quick", "full"):
        sizes = config.sizes(mode)
        vocab = data.course_vocab(sizes.corpus)
        texts = data.load_corpus(n_sentences=sizes.corpus.sentences)["train"]["text"][:]
        started = time.perf_counter()
        counts = cooccurrences(texts, vocab, sizes.glove.window)
        counted = time.perf_counter() - started
        dims = (sizes.glove.dim, 100) if mode == "full" else (sizes.glove.dim,)
        for dim in dims:
            started = time.perf_counter()
            vectors, losses = train_glove(counts, dataclasses.replace(sizes.glove, dim=dim), progress=False,
                                          device=torch.device("cpu"))
            seconds = time.perf_counter() - started
            observed = torch.zeros(len(vocab), dtype=torch.bool)
            observed[counts.rows] = True
            figures[f"{mode}_dim{dim}_class_purity_at5"] = round(class_purity(vectors, vocab, observed), 3)
            if dim == sizes.glove.dim:
                figures[f"{mode}_glove_vocab"] = len(vocab)
                figures[f"{mode}_glove_nonzero_counts"] = len(counts)
                figures[f"{mode}_glove_count_seconds"] = round(counted, 2)
                figures[f"{mode}_glove_train_seconds"] = round(seconds, 2)
                figures[f"{mode}_glove_epochs"] = sizes.glove.epochs
                figures[f"{mode}_glove_final_loss"] = round(losses[-1], 4)
                trained[mode] = pretrained.GloVe(vectors, vocab, observed, losses, counted + seconds)

    full_index = neighbours.WordIndex(trained["full"].vectors, trained["full"].vocab.tokens, trained["full"].observed)
    for word in lexicon.SENSES:
        figures[f"full_glove_neighbours_{word}"] = ", ".join(other for other, _ in full_index.nearest(word, 10))

    quick = config.sizes("quick")
    corpus = data.load_corpus(n_sentences=quick.corpus.sentences)["train"]
    occurrences = probes.sense_occurrences(corpus)
    state = explorer.build_state(trained["quick"], occurrences, stand_in_embed)
    words = state.occurrences.words
    query = stand_in_embed(["the kids ran outside to play football ."])[0][5]
    figures["quick_occurrences_indexed"] = len(state.occurrences)
    figures["word_query_ms"] = milliseconds(lambda: [state.words.nearest(word, 10) for word in words]) / len(words)
    figures["occurrence_query_all_ms"] = milliseconds(lambda: state.occurrences.nearest(query, 10))
    figures["occurrence_query_one_word_ms"] = milliseconds(lambda: state.occurrences.nearest(query, 10, word="play"))
    figures["explorer_global_neighbours_ms"] = milliseconds(lambda: state.global_neighbours("play"))
    figures["explorer_contextual_neighbours_ms"] = milliseconds(
        lambda: state.contextual_neighbours("play", "the kids ran outside to play football ."))
    for row in neighbours.sense_accuracy_table(state.occurrences):
        figures[f"quick_{row['word']}_global_1nn"] = row["global_1nn"]
        figures[f"quick_{row['word']}_majority_sense"] = row["majority_sense"]
    write_results("neighbours", figures)


if __name__ == "__main__":
    main()
