"""Word vectors from a text file of ``word v1 v2 ...`` lines, such as the published GloVe ``glove.6B.100d.txt``.

The file may be plain text, gzipped, or a zip archive as downloaded (``glove.6B.zip`` holds one file per size:
``member=`` picks one). A word2vec-style first line ("400000 100") is skipped. A file that cannot be read raises
:class:`VectorFileError` naming the file and the line, with what to do.
"""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import torch

from .. import arguments
from .vocab import SPECIAL_TOKENS, Vocab, VocabError

DOWNLOAD = "https://nlp.stanford.edu/projects/glove/"


class VectorFileError(ValueError):
    """A word-vector file that cannot be read: missing, empty, compressed oddly, in another encoding, or malformed."""


@contextmanager
def _binary_lines(path: Path, member: str | None) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed when it is a gzip file or a zip archive (recognised by their first bytes)."""
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic[:2] == b"\x1f\x8b":
        stream: IO[bytes] = gzip.open(path)
    elif magic == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
            if member is None and len(names) == 1:
                member = names[0]
            if member is None:
                raise VectorFileError(f"{path} is a zip archive of {len(names)} files: pass member=<one of "
                                      f"{names}>")
            if member not in names:
                raise VectorFileError(f"{path} holds no {member!r}; it holds {names}")
            stream = archive.open(member)
    else:
        stream = path.open("rb")
    with stream:
        yield stream


def _parse_line(raw: bytes, path: Path, number: int, encoding: str, dim: int | None) -> tuple[str, np.ndarray] | None:
    """Line ``number`` as (word, vector), None for a blank line or a word2vec header; an error naming what is wrong.

    ``dim`` is the width of the lines before (None on the first vector line)."""
    try:
        line = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise VectorFileError(f"{path}, line {number}: not {encoding} text ({error.reason}); pass the "
                              "file's encoding, e.g. encoding='latin-1'") from None
    # Split on single spaces only: some published files have words with other whitespace inside.
    parts = line.rstrip("\r\n ").split(" ")
    if not line.strip() or (number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts)):
        return None  # a blank line, or a word2vec header ("400000 100")
    word, fields = parts[0], parts[1:]
    if not fields:
        raise VectorFileError(f"{path}, line {number}: the word {word!r} has no numbers after it")
    if dim is not None and len(fields) != dim:
        raise VectorFileError(f"{path}, line {number}: {len(fields)} numbers after {word!r}, expected "
                              f"{dim} as on the first line (a truncated line, or a word with spaces?)")
    try:
        vector = np.asarray(fields, dtype=np.float32)
    except ValueError:
        vector = None
    if vector is None or not np.isfinite(vector).all():
        raise VectorFileError(f"{path}, line {number}: the values after {word!r} are not all finite "
                              f"numbers ({' '.join(fields[:3])} ...)")
    return word, vector


def read_vectors(path: str | os.PathLike, vocab: Vocab | None = None, *, member: str | None = None,
                 encoding: str = "utf-8") -> tuple[Vocab, torch.Tensor, torch.Tensor]:
    """(vocabulary, vectors [len(vocab), dim], observed [len(vocab)]) from a word-vector text file.

    With ``vocab``, the rows follow its ids: its words missing from the file get zeros (``observed`` False) and file
    words outside it are skipped, so a 400,000-word file costs only the vocabulary's memory. Without one, the file's
    words become the vocabulary after the special tokens (which get zeros). ``encoding`` is the file's text encoding
    (the published files are UTF-8; ``"latin-1"`` reads older ones).
    """
    path = arguments.path(path)
    if vocab is not None and not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a Vocab (or None: the file's words), got {type(vocab).__name__}")
    if not path.is_file():
        raise VectorFileError(f"{path}: no such file. Download GloVe vectors (e.g. glove.6B.zip from {DOWNLOAD}) and "
                              "pass the path of the .zip or of one of its .txt files")
    words: list[str] = []
    rows: list[np.ndarray] = []
    wanted = None if vocab is None else set(vocab.tokens)
    seen: dict[str, int] = {}
    dim = None
    try:
        with _binary_lines(path, member) as lines:
            for number, raw in enumerate(lines, start=1):
                parsed = _parse_line(raw, path, number, encoding, dim)
                if parsed is None:
                    continue
                word, vector = parsed
                if word in seen:
                    raise VectorFileError(f"{path}, line {number}: {word!r} already appeared on line {seen[word]}")
                seen[word], dim = number, len(vector)
                if wanted is None or word in wanted:
                    words.append(word)
                    rows.append(vector)
    except (gzip.BadGzipFile, EOFError, zipfile.BadZipFile, zlib.error) as error:  # a truncated or damaged download
        raise VectorFileError(f"{path} is damaged ({error}); download it again") from None
    if dim is None:
        raise VectorFileError(f"{path} holds no vectors: expected lines of 'word v1 v2 ...'")
    if vocab is None:
        kept = [i for i, word in enumerate(words) if word not in SPECIAL_TOKENS]
        words, rows = [words[i] for i in kept], [rows[i] for i in kept]
        try:
            vocab = Vocab(words)
        except VocabError as error:
            raise VectorFileError(f"{path}: {error}") from None
    vectors = torch.zeros(len(vocab), dim)
    observed = torch.zeros(len(vocab), dtype=torch.bool)
    if words:
        ids = torch.tensor([vocab.token_to_id(word) for word in words])
        vectors[ids] = torch.from_numpy(np.stack(rows))
        observed[ids] = True
    return vocab, vectors, observed
