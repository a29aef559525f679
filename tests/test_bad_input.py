"""Bad input, one table row each: what a student or lecturer might pass to the public API, and what they must get.

Each row either raises an exception of a named type whose message names the problem, raised by ptlib itself (not
from deep inside a library), or gives a documented sensible result, checked against an expectation worked out by
hand. Settings, caches, the pre-trained registry and the exercise checks are in ``test_bad_settings.py``.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import torch
from datasets import Dataset, DatasetDict
from matplotlib.figure import Figure
from test_neighbours import fake_embed
from tokenizers import Tokenizer
from tokenizers.models import WordLevel

from ptlib import data
from ptlib.analysis import explorer
from ptlib.data import real, wordpiece
from ptlib.data.characters import Batcher, CharVocab
from ptlib.data.microworld import probes, tasks
from ptlib.data.vectors import VectorFileError, read_vectors
from ptlib.data.vocab import CLS_ID, SEP_ID, UNK_ID, Vocab, VocabError, normalise_sentence
from ptlib.pretrained import GloVe, load_glove_text
from ptlib.train.classifier import predict_texts

PTLIB = Path(data.__file__).resolve().parents[1]
TEXTS = ["the cat sat on the mat .", "the dog ran to the park .", "a zebra ate grass ."] * 3
REVIEWS = ["the acting was awful , and the plot was dreadful !", "a good and superb film ."]
WordPieceError, FileError = wordpiece.WordPieceError, wordpiece.WordPieceFileError


@dataclass(frozen=True)
class Raises:
    """The call raises ``error`` (or a subclass) from inside ptlib, with ``says`` in its message."""

    error: type[BaseException]
    says: str


@dataclass(frozen=True)
class Gives:
    """The call returns a result for which ``holds`` is true; with ``warns``, it also warns with that text."""

    holds: Callable[[Any], bool]
    warns: str | None = None


def rows(*table: tuple[str, Callable[[Any], Any], Raises | Gives]) -> list[Any]:
    return [pytest.param(call, expect, id=name) for name, call, expect in table]


def run_row(call: Callable[[Any], Any], expect: Raises | Gives, kit: Any) -> None:
    """One row of a table: shared with test_bad_settings.py."""
    if isinstance(expect, Raises):
        with pytest.raises(expect.error) as caught:
            call(kit)
        assert expect.says in str(caught.value), f"{type(caught.value).__name__}: {caught.value}"
        origin = Path(str(caught.traceback[-1].path)).resolve()
        assert PTLIB in origin.parents, f"raised in {origin}, not by ptlib: {caught.value!r}"
    elif expect.warns is not None:
        with pytest.warns(UserWarning, match=expect.warns):
            assert expect.holds(call(kit))
    else:
        assert expect.holds(call(kit))


class WordScorer(torch.nn.Module):
    """A stand-in classifier: the logits sum its words' votes. "awful", "dreadful" vote negative (0); "good",
    "superb" positive (1); [UNK] a little positive, so a text whose words are lost to [UNK] comes out positive."""

    def __init__(self, vocab: Vocab) -> None:
        super().__init__()
        votes = torch.zeros(len(vocab), 2)
        votes[[vocab.token_to_id(w) for w in ("awful", "dreadful")], 0] = 2.0
        votes[[vocab.token_to_id(w) for w in ("good", "superb")], 1] = 2.0
        votes[UNK_ID, 1] = 0.5
        self.votes = torch.nn.Parameter(votes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return (self.votes[input_ids] * attention_mask[..., None]).sum(1)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    vocab = Vocab.build(TEXTS)
    occurrences = probes.held_out_senses(160)
    words = Vocab.build([*occurrences["text"]])
    glove = GloVe(torch.randn(len(words), 12, generator=torch.Generator().manual_seed(0)), words,
                  torch.ones(len(words), dtype=torch.bool), [], 0.0)
    reviews = Vocab.build(REVIEWS)
    return SimpleNamespace(
        tmp=tmp_path_factory.mktemp("bad-input"), vocab=vocab, reviews=reviews, scorer=WordScorer(reviews),
        tokenizer=wordpiece.train_wordpiece(TEXTS, vocab_size=120, min_frequency=1),
        batcher=Batcher(vocab, CharVocab.build(TEXTS), 12),
        state=explorer.build_state(glove, occurrences, fake_embed, 5))


def write(kit: Any, name: str, content: str | bytes) -> Path:
    path = kit.tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def glue(kit: Any, folder: str, train: str | bytes | None, dev: str | bytes | None = None) -> DatasetDict:
    """``load_real("sst2")`` on GLUE-style files written into a fresh folder (None: the file is left out)."""
    for name, content in (("train.tsv", train), ("dev.tsv", dev)):
        if content is not None:
            write(kit, f"{folder}/{name}", content)
    (kit.tmp / folder).mkdir(exist_ok=True)
    return real.load_real("sst2", data_dir=kit.tmp / folder, cache_dir=kit.tmp / "hf")


def offline(kit: Any) -> DatasetDict:
    with mock.patch.dict(os.environ, {"HF_HUB_OFFLINE": "1"}):
        return real.load_real("rte", cache_dir=kit.tmp / "hf")


def predicted(kit: Any, texts: Any) -> list[dict[str, float | int]]:
    return predict_texts(kit.scorer, kit.reviews, texts)


SST = "sentence\tlabel\ngood\t1\nbad\t0\nfine\t1\nawful\t0\n"
CORPUS = DatasetDict(train=Dataset.from_dict({"text": ["the bank of the river ."], "kind": ["polysemy"]}))
ROWS_DATA = rows(
    ("corpus-typo", lambda k: data.load_corpus("micro-world"),
     Raises(data.UnknownNameError, "Did you mean 'microworld'")),
    ("corpus-None", lambda k: data.load_corpus(None), Raises(data.UnknownNameError, "unknown corpus None")),
    ("corpus-zero-sentences", lambda k: data.load_corpus(n_sentences=0),
     Raises(ValueError, "n_sentences must be positive")),
    ("corpus-size-as-text", lambda k: data.load_corpus(n_sentences="100"), Raises(TypeError, "must be an integer")),
    ("task-typo", lambda k: data.load_task("sentimnet"), Raises(data.UnknownNameError, "Did you mean 'sentiment'")),
    ("task-capitals", lambda k: data.load_task("Sentiment"), Raises(data.UnknownNameError, "Did you mean 'sentiment'")),
    ("task-negative-size", lambda k: data.load_task("sentiment", -1),
     Raises(ValueError, "train_size must be positive")),
    ("task-fractional-size", lambda k: data.load_task("sentiment", 2.5),
     Raises(TypeError, "train_size must be an integer")),
    ("microworld-task-unknown", lambda k: tasks.load_task("imdb", 4, 4, 4),
     Raises(ValueError, "unknown micro-world task")),
    ("probe-typo", lambda k: data.load_probe("agrement"), Raises(data.UnknownNameError, "Did you mean 'agreement'")),
    ("probe-facts-DatasetDict", lambda k: data.load_probe("facts", CORPUS), Raises(TypeError, "corpus['train']")),
    ("probe-senses-DatasetDict", lambda k: data.load_probe("senses", CORPUS), Raises(TypeError, "corpus['train']")),
    ("probe-wording-for-agreement", lambda k: data.load_probe("agreement", wording="seen"),
     Raises(ValueError, "wording= is for the facts probe only")),
    ("probe-facts-unknown-wording", lambda k: data.load_probe("facts", wording="training"),
     Raises(ValueError, "unknown fact wording 'training'; known: held-out, seen")),
    ("probe-senses-list", lambda k: data.load_probe("senses", ["a ."]), Raises(TypeError, "must be a Dataset")),
    ("probe-zero-items", lambda k: data.load_probe("agreement", n_items=0),
     Raises(ValueError, "n_items must be positive")),
    ("reviews-negative", lambda k: data.load_unlabelled_reviews(-3), Raises(ValueError, "n_reviews must be positive")),
    ("real-typo", lambda k: real.load_real("imdbb"), Raises(real.RealDataError, "Did you mean 'imdb'")),
    ("real-capitals", lambda k: real.load_real("SST2"), Raises(real.RealDataError, "Did you mean 'sst2'")),
    ("real-missing-folder", lambda k: real.load_real("sst2", data_dir=k.tmp / "nowhere"),
     Raises(real.RealDataError, "is not a folder")),
    ("real-folder-is-a-number", lambda k: real.load_real("sst2", data_dir=5), Raises(TypeError, "data_dir must be")),
    ("real-empty-folder", lambda k: glue(k, "empty", None), Raises(real.RealDataError, "holds no 'sst2' files")),
    ("real-no-dev-file", lambda k: glue(k, "no-dev", SST), Raises(real.RealDataError, "lacks dev.tsv")),
    ("real-empty-file", lambda k: glue(k, "empty-dev", SST, ""), Raises(real.RealDataError, "is not a GLUE TSV file")),
    ("real-latin-1", lambda k: glue(k, "latin", SST.replace("fine", "café").encode("latin-1"), SST),
     Raises(real.RealDataError, "'utf-8' codec can't decode")),
    ("real-unknown-label", lambda k: glue(k, "label", SST.replace("\t1\n", "\t7\n"), SST),
     Raises(real.RealDataError, "label value(s) ['7'] are not known")),
    ("real-wrong-header", lambda k: glue(k, "header", SST.replace("sentence", "review"), SST),
     Raises(real.RealDataError, "lacks ['sentence']")),
    ("real-offline", offline, Raises(real.DatasetUnavailable, "offline mode is on")),
)
ROWS_VOCAB = rows(
    ("build-one-string", lambda k: Vocab.build("the cat"), Raises(VocabError, "not one string")),
    ("build-None", lambda k: Vocab.build(None), Raises(VocabError, "got NoneType")),
    ("build-number", lambda k: Vocab.build(42), Raises(VocabError, "got int")),
    ("build-empty", lambda k: Vocab.build([]), Raises(VocabError, "no tokens")),
    ("build-blank-texts", lambda k: Vocab.build(["", "  "]), Raises(VocabError, "no tokens")),
    ("build-None-text", lambda k: Vocab.build([None]), Raises(VocabError, "texts[0] must be a string, got NoneType")),
    ("build-dataset-rows", lambda k: Vocab.build(Dataset.from_dict({"text": ["a b"]})),
     Raises(VocabError, "ds['text']")),
    ("build-min-count-0", lambda k: Vocab.build(["a"], min_count=0),
     Raises(VocabError, "min_count must be an integer >= 1")),
    ("build-min-count-numpy", lambda k: Vocab.build(["a a b"], min_count=np.int64(2)),
     Gives(lambda v: v.tokens[5:] == ["a"])),
    ("build-max-size-3", lambda k: Vocab.build(["a"], max_size=3),
     Raises(VocabError, "max_size must be an integer > 5")),
    ("build-min-count-too-high", lambda k: Vocab.build(["a"], min_count=5), Raises(VocabError, "keeps no word")),
    ("words-None", lambda k: Vocab(None), Raises(VocabError, "words must be an iterable of strings")),
    ("words-twice", lambda k: Vocab(["a", "a"]), Raises(VocabError, "appears twice")),
    ("words-with-space", lambda k: Vocab(["a b"]), Raises(VocabError, "is not a word")),
    ("encode-empty", lambda k: k.vocab.encode(""), Raises(VocabError, "has no tokens")),
    ("encode-None", lambda k: k.vocab.encode(None), Raises(VocabError, "text must be a string, got NoneType")),
    ("encode-token-list", lambda k: k.vocab.encode(["the", "cat"]), Raises(VocabError, "got list")),
    ("encode-unknown-word", lambda k: k.vocab.encode("the giraffe"), Gives(lambda ids: ids[1] == UNK_ID != ids[0])),
    ("id-too-big", lambda k: k.vocab.id_to_token(999), Raises(VocabError, "id 999 is out of range")),
    ("id-as-text", lambda k: k.vocab.id_to_token("5"), Raises(VocabError, "out of range")),
    ("id-numpy", lambda k: k.vocab.id_to_token(np.int64(5)), Gives(lambda token: token == "the")),
    ("token-None", lambda k: k.vocab.token_to_id(None), Raises(VocabError, "a token is a string, got NoneType")),
    ("token-list", lambda k: k.vocab.token_to_id(["the"]), Raises(VocabError, "a token is a string, got list")),
    ("normalise-None", lambda k: normalise_sentence(None), Raises(VocabError, "text must be a string")),
    ("normalise-raw", lambda k: normalise_sentence(" The plot, AWFUL!"), Gives(lambda s: s == "the plot , awful !")),
    ("wp-one-string", lambda k: wordpiece.train_wordpiece("text"), Raises(WordPieceError, "not one string")),
    ("wp-None", lambda k: wordpiece.train_wordpiece(None), Raises(WordPieceError, "got NoneType")),
    ("wp-empty", lambda k: wordpiece.train_wordpiece([]), Raises(WordPieceError, "no tokens")),
    ("wp-None-text", lambda k: wordpiece.train_wordpiece([None]), Raises(WordPieceError, "texts[0] must be a string")),
    ("wp-size-0", lambda k: wordpiece.train_wordpiece(TEXTS, 0),
     Raises(WordPieceError, "vocab_size must be a positive")),
    ("wp-size-too-small", lambda k: wordpiece.train_wordpiece(TEXTS, 5), Raises(WordPieceError, "is too small")),
    ("wp-size-numpy", lambda k: wordpiece.train_wordpiece(TEXTS, np.int64(60), 1),
     Gives(lambda tok: tok.get_vocab() == wordpiece.train_wordpiece(TEXTS, 60, 1).get_vocab())),
    ("wp-min-frequency-negative", lambda k: wordpiece.train_wordpiece(TEXTS, min_frequency=-1),
     Raises(WordPieceError, "min_frequency must be an integer >= 0")),
    ("show-None-text", lambda k: wordpiece.show_tokens(k.tokenizer, None),
     Raises(WordPieceError, "text must be a string")),
    ("show-None-tokeniser", lambda k: wordpiece.show_tokens(None, "the"),
     Raises(WordPieceError, "expected a tokeniser")),
    ("show-empty", lambda k: wordpiece.show_tokens(k.tokenizer, ""), Gives(lambda pieces: pieces == [])),
    ("show-capitals", lambda k: wordpiece.show_tokens(k.tokenizer, "The ZEBRA!"),
     Gives(lambda pieces: pieces == ["the", "zebra", "[UNK]"])),  # "!" was never seen in training
    ("encode-list", lambda k: wordpiece.encode_dataset(["a"], k.tokenizer),
     Raises(WordPieceError, "expected a datasets")),
    ("encode-None-tokeniser", lambda k: wordpiece.encode_dataset(Dataset.from_dict({"text": ["a"]}), None),
     Raises(WordPieceError, "expected a tokeniser")),
    ("encode-no-column", lambda k: wordpiece.encode_dataset(Dataset.from_dict({"sentence": ["a"]}), k.tokenizer),
     Raises(WordPieceError, "has no column 'text'")),
    ("encode-max-length-2", lambda k: wordpiece.encode_dataset(Dataset.from_dict({"text": ["a"]}), k.tokenizer, 2),
     Raises(WordPieceError, "max_length must be an integer >= 3")),
    ("encode-blank-row", lambda k: wordpiece.encode_dataset(Dataset.from_dict({"text": ["a", " "]}), k.tokenizer),
     Raises(WordPieceError, "empty or non-text row")),
    ("wp-file-missing", lambda k: wordpiece.load_wordpiece(k.tmp / "nope.json"),
     Raises(FileNotFoundError, "no tokeniser")),
    ("wp-file-None", lambda k: wordpiece.load_wordpiece(None), Raises(TypeError, "path must be the path")),
    ("wp-file-garbage", lambda k: wordpiece.load_wordpiece(write(k, "bad.json", "{not json")),
     Raises(FileError, "is not a readable tokeniser file")),
    ("wp-file-foreign", lambda k: Tokenizer(WordLevel({"a": 0, "[UNK]": 1}, "[UNK]")).save(str(k.tmp / "wl.json"))
     or wordpiece.load_wordpiece(k.tmp / "wl.json"), Raises(FileError, "special token ids")),
    ("wp-save-None", lambda k: wordpiece.save_wordpiece(None, k.tmp / "x.json"), Raises(WordPieceError, "a tokeniser")),
    ("batch-None", lambda k: k.batcher(None), Raises(TypeError, "a batch is a list of sentences")),
    ("batch-one-string", lambda k: k.batcher("the cat"), Raises(TypeError, "a batch is a list of sentences")),
    ("batch-empty", lambda k: k.batcher([]), Raises(ValueError, "at least one sentence")),
    ("batch-untokenised", lambda k: k.batcher(["the cat"]), Raises(ValueError, "sentence 0 must be a non-empty list")),
    ("batch-empty-sentence", lambda k: k.batcher([["the"], []]), Raises(ValueError, "sentence 1 must be a non-empty")),
    ("batch-None-token", lambda k: k.batcher([["the", None]]), Raises(VocabError, "a token is a string")),
    ("batch-unknown-word", lambda k: k.batcher([["the", "giraffe"]])["input_ids"].tolist(),
     Gives(lambda ids: ids == [[CLS_ID, 5, UNK_ID, SEP_ID]])),
    ("char-vocab-None", lambda k: CharVocab.build(None), Raises(TypeError, "got NoneType")),
)
def predicted_by_hand(normalised: str) -> dict[str, float | int]:
    """The scorer's answer worked out by hand for a text already in the corpus's form (each word known)."""
    logits = torch.tensor([2.0 * sum(w in ("awful", "dreadful") for w in normalised.split()),
                           2.0 * sum(w in ("good", "superb") for w in normalised.split())])
    return {"label": int(logits.argmax()), "probability": float(logits.softmax(0).max()), "known": 1.0}


ROWS_CLASSIFIER = rows(
    ("raw-text-normalised", lambda k: predicted(k, "The acting was awful, and the plot was dreadful!")[0],
     Gives(lambda row: row == pytest.approx(predicted_by_hand(REVIEWS[0])) and row["label"] == 0)),
    ("raw-text-list", lambda k: [row["label"] for row in predicted(k, ["A GOOD film.", "Dreadful!"])],
     Gives(lambda labels: labels == [1, 0])),
    ("empty-text", lambda k: predicted(k, ["good", ""]), Raises(ValueError, "text 1 is empty")),
    ("no-texts", lambda k: predicted(k, []), Raises(ValueError, "no texts to classify")),
    ("None", lambda k: predicted(k, None), Raises(TypeError, "got NoneType")),
    ("number", lambda k: predicted(k, 42), Raises(TypeError, "got int")),
    ("dict", lambda k: predicted(k, {"text": "good"}), Raises(TypeError, "got dict")),
    ("None-text", lambda k: predicted(k, [None]), Raises(TypeError, "texts[0] must be a string, got NoneType")),
    ("dataset-rows", lambda k: predicted(k, Dataset.from_dict({"text": ["good"]})), Raises(TypeError, "ds['text']")),
    ("pandas-column", lambda k: predicted(k, pd.Series(["Superb!", "awful"])),
     Gives(lambda got: [r["label"] for r in got]
                                                                                    == [1, 0])),
    ("no-known-word", lambda k: predicted(k, ["zorblax quux"])[0], Gives(lambda row: row["known"] == 0, "no word the")),
    ("no-vocab", lambda k: predict_texts(k.scorer, None, ["good"]),
     Raises(TypeError, "pass a classifier and its Vocab")),
)


def message(says: str) -> Gives:
    return Gives(lambda shown: isinstance(shown, explorer.Message) and says in shown.text)


EQUAL = Gives(lambda pair: pair[0] == pair[1])


ROWS_EXPLORER = rows(
    ("global-None", lambda k: k.state.global_neighbours(None), message("Type a word")),
    ("global-number", lambda k: k.state.global_neighbours(42), message("Type a word")),
    ("global-empty", lambda k: k.state.global_neighbours("  "), message("Type a word")),
    ("global-two-words", lambda k: k.state.global_neighbours("play bank"), message("Type one word")),
    ("global-unknown", lambda k: k.state.global_neighbours("zzzq"), message("'zzzq' is not in the vocabulary")),
    ("global-punctuation", lambda k: k.state.global_neighbours("Play!"), message("Did you mean: play")),
    ("global-capitals", lambda k: (k.state.global_neighbours(" PLAY ").rows, k.state.words.nearest("play", 5)),
     Gives(lambda pair: [(row["word"], row["cosine"]) for row in pair[0]] == pair[1])),
    ("context-None-word", lambda k: k.state.contextual_neighbours(None, "we play"), message("Type a word")),
    ("context-None-sentence", lambda k: k.state.contextual_neighbours("play", None),
     message("Type a sentence that uses")),
    ("context-empty-sentence", lambda k: k.state.contextual_neighbours("play", ""),
     message("Type a sentence that uses")),
    ("context-without-word", lambda k: k.state.contextual_neighbours("play", "the band sang"),
     message("does not contain the word 'play'")),
    ("context-other-form", lambda k: k.state.contextual_neighbours("play", "Playing is fun"),
     message("does not contain the word 'play'")),
    ("context-no-occurrences", lambda k: k.state.contextual_neighbours("zzz", "zzz"),
     message("'zzz' has no recorded occurrences")),
    ("context-raw-sentence", lambda k: (k.state.contextual_neighbours("PLAY", "The kids PLAY football, then!").rows,
                                        k.state.contextual_neighbours("play", "the kids play football , then !").rows),
     EQUAL),
    ("context-unknown-words", lambda k: k.state.contextual_neighbours("play", "zorblax kids play quux").rows,
     Gives(lambda got: len(got) == 5)),
    ("projection-None", lambda k: k.state.projection(None), message("Type a word")),
    ("projection-no-occurrences", lambda k: k.state.projection("zzz"),
     message("needs at least 2 recorded occurrences")),
    ("projection-None-sentence", lambda k: k.state.projection("play", None),
     Gives(lambda shown: isinstance(shown, Figure))),
    ("examples-None", lambda k: k.state.examples(None), Gives(lambda got: got == [])),
    ("examples-unknown", lambda k: k.state.examples("zzz"), Gives(lambda got: got == [])),
)
def same(got: tuple[Vocab, torch.Tensor, torch.Tensor]) -> bool:
    """The vocabulary, vectors and observed flags of VECTORS, written out by hand."""
    vocab, vectors, observed = got
    expected = torch.tensor([[0.1, 0.2, 0.3], [1, 2, 3], [-1, 0.5, 0.2]])
    return (vocab.tokens[5:] == ["the", "cat", "dog"] and torch.allclose(vectors[5:], expected)
            and not vectors[:5].any() and observed.tolist() == [False] * 5 + [True] * 3)


def zipped(kit: Any, name: str, *members: str) -> Path:
    with zipfile.ZipFile(kit.tmp / name, "w") as archive:
        for member in members:
            archive.writestr(member, VECTORS)
    return kit.tmp / name


VECTORS = "the 0.1 0.2 0.3\ncat 1 2 3\ndog -1 0.5 2e-1\n"
MANY = "".join(f"w{i} {i} 0.5 -1\n" for i in range(1000))
ROWS_GLOVE = rows(
    ("missing-file", lambda k: read_vectors(k.tmp / "glove.txt"), Raises(VectorFileError, "no such file. Download")),
    ("None-path", lambda k: read_vectors(None), Raises(TypeError, "path must be the path")),
    ("empty-file", lambda k: read_vectors(write(k, "empty.txt", "")), Raises(VectorFileError, "holds no vectors")),
    ("blank-lines", lambda k: read_vectors(write(k, "blank.txt", "\n \n")),
     Raises(VectorFileError, "holds no vectors")),
    ("ragged-line", lambda k: read_vectors(write(k, "ragged.txt", VECTORS + "bird 1 2\n")),
     Raises(VectorFileError, "line 4: 2 numbers after 'bird', expected 3")),
    ("word-alone", lambda k: read_vectors(write(k, "alone.txt", "bird\n" + VECTORS)),
     Raises(VectorFileError, "line 1: the word 'bird' has no numbers")),
    ("not-a-number", lambda k: read_vectors(write(k, "nan.txt", VECTORS + "bird 1 x 3\n")),
     Raises(VectorFileError, "line 4: the values after 'bird' are not all finite numbers")),
    ("nan-value", lambda k: read_vectors(write(k, "nan2.txt", VECTORS + "bird 1 nan 3\n")),
     Raises(VectorFileError, "line 4: the values after 'bird' are not all finite")),
    ("word-twice", lambda k: read_vectors(write(k, "twice.txt", VECTORS + "cat 1 2 3\n")),
     Raises(VectorFileError, "line 4: 'cat' already appeared on line 2")),
    ("latin-1", lambda k: read_vectors(write(k, "latin.txt", (VECTORS + "café 1 2 3\n").encode("latin-1"))),
     Raises(VectorFileError, "line 4: not utf-8 text")),
    ("latin-1-declared", lambda k: read_vectors(write(k, "l1.txt", "café 1 2\n".encode("latin-1")), encoding="latin-1"),
     Gives(lambda got: got[0].tokens[5:] == ["café"] and got[1][5].tolist() == [1, 2])),
    ("gzipped", lambda k: read_vectors(write(k, "g.txt.gz", gzip.compress(VECTORS.encode()))), Gives(same)),
    ("truncated-gzip", lambda k: read_vectors(write(k, "cut.gz", gzip.compress(MANY.encode())[:400])),
     Raises(VectorFileError, "is damaged")),
    ("zip-one-file", lambda k: read_vectors(zipped(k, "one.zip", "glove.txt")), Gives(same)),
    ("zip-two-files", lambda k: read_vectors(zipped(k, "two.zip", "g.50d.txt", "g.100d.txt")),
     Raises(VectorFileError, "pass member=")),
    ("zip-member-chosen", lambda k: read_vectors(zipped(k, "2.zip", "a.txt", "b.txt"), member="b.txt"),
     Gives(same)),
    ("zip-member-missing", lambda k: read_vectors(zipped(k, "3.zip", "a.txt", "b.txt"), member="g.300d.txt"),
     Raises(VectorFileError, "holds no 'g.300d.txt'")),
    ("word2vec-header", lambda k: read_vectors(write(k, "w2v.txt", "3 3\n" + VECTORS)), Gives(same)),
    ("vocab-follows-ids", lambda k: read_vectors(write(k, "v.txt", VECTORS), Vocab(["dog", "fish"])),
     Gives(lambda got: got[2].tolist() == [False] * 5 + [True, False] and not got[1][6].any()
           and torch.allclose(got[1][5], torch.tensor([-1, 0.5, 0.2])))),
    ("as-GloVe", lambda k: load_glove_text(zipped(k, "glove.6B.zip", "glove.6B.50d.txt"), member="glove.6B.50d.txt"),
     Gives(lambda glove: isinstance(glove, GloVe) and same((glove.vocab, glove.vectors, glove.observed)))),
    ("vocab-as-list", lambda k: read_vectors(write(k, "w.txt", VECTORS), ["dog"]),
     Raises(TypeError, "must be a Vocab")),
)


@pytest.mark.parametrize(("call", "expect"), ROWS_DATA + ROWS_VOCAB + ROWS_CLASSIFIER + ROWS_EXPLORER + ROWS_GLOVE)
def test_bad_input(call: Callable[[Any], Any], expect: Raises | Gives, kit: SimpleNamespace) -> None:
    run_row(call, expect, kit)


def test_a_numpy_size_is_a_size() -> None:  # e.g. a pandas sum
    assert len(data.load_corpus(n_sentences=np.int64(50))["train"]) > 0
