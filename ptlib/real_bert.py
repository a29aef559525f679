"""A real pre-trained BERT, where one is already on disk: the optional path of notebook 06.

Nothing here downloads. :func:`load_real_bert` reads a checkpoint folder you name, or finds a model of the Hugging
Face hub in its local cache (where ``huggingface-cli download bert-base-uncased`` or an earlier ``transformers``
run put it), and loads it into the course's own :class:`~ptlib.models.bert.BertForPreTraining` with its WordPiece
vocabulary (``vocab.txt``). Without one, it raises :class:`RealBertUnavailable` at once, with what to do; the
notebooks say so and go on.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import constants as hub_constants
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

from .models.bert import BertForPreTraining, BertModel
from .models.bert_checkpoint import WEIGHT_FILES, load_hf_bert

DEFAULT_REAL_BERT = "bert-base-uncased"


class RealBertUnavailable(FileNotFoundError):
    """No local copy of the checkpoint (the course never downloads one)."""


@dataclass
class RealBERT:
    """A real checkpoint in the course's model class, with its WordPiece tokeniser and where it was found."""

    model: BertModel | BertForPreTraining
    tokenizer: Tokenizer
    folder: Path


def _is_checkpoint(folder: Path) -> bool:
    return (folder / "config.json").is_file() and (folder / "vocab.txt").is_file() and any(
        (folder / name).is_file() for name in WEIGHT_FILES)


def find_real_bert(name: str = DEFAULT_REAL_BERT, cache: str | os.PathLike | None = None) -> Path | None:
    """The folder of a local copy of hub model ``name`` (``bert-base-uncased``, ``google/bert_uncased_L-2_H-128_A-2``
    ...) in the hub cache (``cache``, default: the hub's own), or None. A folder path as ``name`` is returned if it
    holds a checkpoint."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name a hub model (e.g. {DEFAULT_REAL_BERT!r}) or a checkpoint folder, got {name!r}")
    if _is_checkpoint(Path(name).expanduser()):
        return Path(name).expanduser()
    repository = Path(cache or hub_constants.HF_HUB_CACHE) / f"models--{name.replace('/', '--')}"
    snapshots = sorted((repository / "snapshots").glob("*"), key=lambda path: path.stat().st_mtime, reverse=True)
    return next((folder for folder in snapshots if _is_checkpoint(folder)), None)


def load_real_bert(name: str = DEFAULT_REAL_BERT, cache: str | os.PathLike | None = None) -> RealBERT:
    """The checkpoint :func:`find_real_bert` finds, loaded; :class:`RealBertUnavailable` if there is none."""
    folder = find_real_bert(name, cache)
    if folder is None:
        where = Path(cache or hub_constants.HF_HUB_CACHE)
        raise RealBertUnavailable(
            f"no local copy of {name!r} (looked for a checkpoint folder of that name, and in the hub cache {where}). "
            f"The course never downloads one; online, `huggingface-cli download {name}` fetches it once (BERT BASE "
            "is about 440 MB), or name a folder with config.json, vocab.txt and the weights.")
    return RealBERT(load_hf_bert(folder), vocab_tokenizer(folder), folder)


def vocab_tokenizer(folder: Path) -> Tokenizer:
    """BERT's tokeniser from a checkpoint's ``vocab.txt``: BERT's normaliser (lower-casing as the checkpoint's
    tokenizer_config.json says, else as its name says), its pre-tokeniser, WordPiece, and [CLS] A [SEP] B [SEP]."""
    settings_file = folder / "tokenizer_config.json"
    settings = json.loads(settings_file.read_text()) if settings_file.is_file() else {}
    lowercase = settings.get("do_lower_case", "uncased" in folder.as_posix().lower())
    tokenizer = Tokenizer(WordPiece.from_file(str(folder / "vocab.txt"), unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    if cls is None or sep is None:
        raise RealBertUnavailable(f"{folder / 'vocab.txt'} has no [CLS] or [SEP]: not a BERT vocabulary")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tokenizer
