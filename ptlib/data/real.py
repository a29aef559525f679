"""The real benchmarks, in the same schema as the generated data, for readers who are online or have the files.

The data comes from the Hugging Face hub (its local cache first, so a second run needs no network) or from
``data_dir=``, a folder with the files in their classic release format or the hub's parquet files. Offline and
not cached, :func:`load_real` fails within seconds with :class:`DatasetUnavailable`, instead of retrying.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import datasets.config
from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_dataset
from huggingface_hub import HfApi
from huggingface_hub import constants as hub_constants

from .. import arguments

# share of the labelled training data held out as the validation split (seeded)
VALIDATION_FRACTION = 0.1


class RealDataError(ValueError):
    """Bad input: an unknown data set name, or local files that are missing or malformed."""


class DatasetUnavailable(RuntimeError):
    """The hub cannot be reached (offline) and the data set is not in the local cache."""


_WIKI_FILES = {"train": "wiki.train.raw", "validation": "wiki.valid.raw", "test": "wiki.test.raw"}
_TSV_FILES = {"train": "train.tsv", "test": "dev.tsv"}  # GLUE's test.tsv has no labels: its dev set is our test
_MSR_FILES = {"train": "msr_paraphrase_train.txt", "test": "msr_paraphrase_test.txt"}
_TEXT_SPLITS = {"train": "train", "validation": "validation", "test": "test"}
_GLUE_SPLITS = {"train": "train", "validation": "test"}


@dataclass(frozen=True)
class _Spec:
    description: str
    hub_id: str
    config: str
    folder: str  # the classic archive's folder; data_dir/<folder> and data_dir/<config> are searched too
    labels: tuple[str, ...] = ()  # none: pre-training text
    pair: bool = False
    splits: dict[str, str] = field(default_factory=_GLUE_SPLITS.copy)  # the source's split -> ours; test is labelled
    files: tuple[dict[str, str], ...] = (_TSV_FILES,)  # the classic release's files, split -> name
    columns: tuple[str, ...] = ("sentence", "label")  # read from its TSV files (CoLA's have none: _COLA_COLUMNS)


_SENTIMENT = ("negative", "positive")
_SPECS = {
    "wikitext-2": _Spec("Wikipedia articles, ~2M words (pre-training text)", "Salesforce/wikitext",
                        "wikitext-2-raw-v1", "wikitext-2-raw", splits=_TEXT_SPLITS, files=(_WIKI_FILES,)),
    "wikitext-103": _Spec("Wikipedia articles, ~103M words (pre-training text)", "Salesforce/wikitext",
                          "wikitext-103-raw-v1", "wikitext-103-raw", splits=_TEXT_SPLITS, files=(_WIKI_FILES,)),
    "imdb": _Spec("IMDB movie reviews, 50k labelled + 50k unlabelled (sentiment)", "stanfordnlp/imdb", "plain_text",
                  "aclImdb", _SENTIMENT, splits={"train": "train", "test": "test", "unsupervised": "unlabelled"},
                  files=()),
    "sst2": _Spec("Stanford Sentiment Treebank, movie review phrases (sentiment)", "nyu-mll/glue", "sst2", "SST-2",
                  _SENTIMENT),
    "cola": _Spec("Corpus of Linguistic Acceptability (acceptability)", "nyu-mll/glue", "cola", "CoLA",
                  ("unacceptable", "acceptable")),
    "rte": _Spec("Recognizing Textual Entailment (entailment)", "nyu-mll/glue", "rte", "RTE",
                 ("entailment", "not_entailment"), pair=True, columns=("sentence1", "sentence2", "label")),
    "mrpc": _Spec("Microsoft Research Paraphrase Corpus (paraphrase)", "nyu-mll/glue", "mrpc", "MRPC",
                  ("not_equivalent", "equivalent"), pair=True, files=(_TSV_FILES, _MSR_FILES),
                  columns=("#1 String", "#2 String", "Quality")),
}
REAL_DATASETS: dict[str, str] = {name: spec.description for name, spec in _SPECS.items()}

_COLA_COLUMNS = ["source", "label", "original_label", "sentence"]  # CoLA's files have no header
_RENAMES = {"sentence": "text", "sentence1": "text", "sentence2": "text_pair",  # GLUE's columns -> ours
            "#1 String": "text", "#2 String": "text_pair", "Quality": "label"}
_ALIASES = {"neg": "negative", "pos": "positive"}  # the hub's IMDB label names -> ours
_HEADING = re.compile(r"^=+\s.*\s=+$")  # " = Title = ", " = = Section = = "

Parts = dict[str, tuple[Dataset, str]]  # our split -> (data, where it came from, for messages)


def load_real(name: str, *, data_dir: str | Path | None = None, seed: int = 0, timeout: float = 3.0,
              cache_dir: str | Path | None = None) -> DatasetDict:
    """Load a real data set (see :data:`REAL_DATASETS`) in the project's schema.

    ``data_dir``: a folder with the files; else the hub cache, else the hub (given ``timeout`` seconds to answer).
    ``seed`` fixes the validation split: a stratified 10% of the training data. ``test`` is IMDB's test split, or
    GLUE's *validation* split (GLUE hides its test labels). IMDB adds ``unlabelled`` (its 50k unsupervised
    reviews, ``text`` only); its texts keep their ``<br />`` tags. ``cache_dir`` goes to ``load_dataset``.
    """
    if name not in _SPECS:
        close = difflib.get_close_matches(str(name).lower(), _SPECS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise RealDataError(f"unknown data set {name!r}.{hint} Known: {', '.join(_SPECS)}.")
    spec = _SPECS[name]
    if data_dir is None:
        parts = _from_hub(name, spec, timeout, cache_dir)
    else:
        parts = _from_folder(name, spec, arguments.path(data_dir, "data_dir"), cache_dir)
    if not spec.labels:
        return DatasetDict({split: _clean_text(*parts[split]) for split in _TEXT_SPLITS})
    train, test = (_labelled(*parts[split], spec) for split in ("train", "test"))
    if len(train) < 2:
        raise RealDataError(f"{parts['train'][1]} has {len(train)} row(s); need at least 2 for a validation split")
    try:
        carved = train.train_test_split(test_size=VALIDATION_FRACTION, seed=seed, stratify_by_column="label")
    except ValueError:  # too few rows of a class to stratify (tiny files): a plain seeded split
        carved = train.train_test_split(test_size=VALIDATION_FRACTION, seed=seed)
    out = DatasetDict(train=carved["train"], validation=carved["test"], test=test)
    if "unlabelled" in parts:
        out["unlabelled"] = _require(*parts["unlabelled"], ["text"]).select_columns(["text"])
    return out


def _from_hub(name: str, spec: _Spec, timeout: float, cache_dir: str | Path | None) -> Parts:
    """The hub cache in offline mode (milliseconds, no network), else a download unless offline.

    The library reads HF_HUB_OFFLINE at import only: its flags are switched for the one call.
    """
    saved = datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE
    datasets.config.HF_HUB_OFFLINE = hub_constants.HF_HUB_OFFLINE = True
    try:
        data = load_dataset(spec.hub_id, spec.config, cache_dir=cache_dir)
    except (ConnectionError, FileNotFoundError):  # not cached
        data = None
    finally:
        datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE = saved
    if data is None:
        advice = (f"Go online once (the download is then cached), or pass data_dir=<a folder> holding "
                  f"{_expected(name, spec)}, or use the generated data (ptlib's default).")
        env = (os.environ.get(var, "").strip().upper() for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))
        if datasets.config.HF_HUB_OFFLINE or any(value in datasets.config.ENV_VARS_TRUE_VALUES for value in env):
            raise DatasetUnavailable(f"{name!r} is not in the local Hugging Face cache and offline mode is on "
                                     f"(HF_HUB_OFFLINE / HF_DATASETS_OFFLINE). {advice}")
        try:  # one quick request first: load_dataset retries a failed connection or a 5xx answer for ~25 s
            HfApi().dataset_info(spec.hub_id, timeout=timeout)
        except Exception as exc:  # no route, no name lookup, no answer in time, or an error (a proxy's 502)
            raise DatasetUnavailable(f"Could not reach the Hugging Face hub ({hub_constants.ENDPOINT}) within "
                                     f"{timeout:g} s to download {name!r}: {exc!r}. {advice}") from exc
        try:
            data = load_dataset(spec.hub_id, spec.config, cache_dir=cache_dir)
        except Exception as exc:
            raise DatasetUnavailable(f"Downloading {name!r} from {spec.hub_id} failed: {exc}. {advice}") from exc
    return {ours: (data[theirs], f"hub data set {spec.hub_id} ({spec.config}) split {theirs!r}")
            for theirs, ours in spec.splits.items() if theirs in data}


def _from_folder(name: str, spec: _Spec, data_dir: Path, cache_dir: str | Path | None) -> Parts:
    if not data_dir.is_dir():
        raise RealDataError(f"data_dir {str(data_dir)!r} is not a folder")
    for folder in (data_dir, data_dir / spec.folder, data_dir / spec.config):
        if name == "imdb" and (folder / "train" / "pos").is_dir():
            return _read_aclimdb(folder)
        for names in spec.files:
            if (folder / names["train"]).is_file():
                missing = [file for file in names.values() if not (folder / file).is_file()]
                if missing:
                    raise RealDataError(f"{folder} lacks {', '.join(missing)}; expected {', '.join(names.values())}")
                files = {split: folder / file for split, file in names.items()}
                if spec.labels:
                    return {split: (_read_tsv(path, spec, cache_dir), str(path)) for split, path in files.items()}
                data = load_dataset("text", data_files={s: str(p) for s, p in files.items()}, cache_dir=cache_dir)
                return {split: (data[split], str(path)) for split, path in files.items()}
        parquet = {s: sorted(folder.glob(f"{s}-*.parquet")) or sorted(folder.glob(f"{s}.parquet")) for s in spec.splits}
        if parquet["train"]:
            missing = [split for split, ours in spec.splits.items() if not parquet[split] and ours != "unlabelled"]
            if missing:
                raise RealDataError(f"{folder} has train parquet files but none for split(s) {missing}; expected "
                                    f"files named <split>-*.parquet for splits {list(spec.splits)}")
            files = {split: [str(path) for path in paths] for split, paths in parquet.items() if paths}
            data = load_dataset("parquet", data_files=files, cache_dir=cache_dir)
            return {spec.splits[split]: (data[split], ", ".join(paths)) for split, paths in files.items()}
    raise RealDataError(f"{data_dir} holds no {name!r} files. Expected {_expected(name, spec)} in it "
                        f"(or in a subfolder named {spec.folder} or {spec.config}).")


def _expected(name: str, spec: _Spec) -> str:
    """The files that ``data_dir`` may hold, for messages."""
    parquet = "/".join(f"{split}-*.parquet" for split in spec.splits)
    if name == "imdb":
        return f"the aclImdb layout (train/pos/*.txt, train/neg, test/pos, test/neg, train/unsup), or {parquet}"
    classic = " or ".join(" and ".join(names.values()) for names in spec.files)
    return f"{'GLUE' if spec.labels else 'the classic raw release'}'s {classic}, or {parquet}"


def _read_aclimdb(folder: Path) -> Parts:
    """IMDB's archive: one file per review in train|test/neg|pos and train/unsup (no builder reads that)."""

    def reviews(sub: str) -> list[str]:
        texts = [path.read_text(encoding="utf-8").strip() for path in sorted((folder / sub).glob("*.txt"))]
        if not texts and sub != "train/unsup":
            raise RealDataError(f"{folder / sub} holds no review files; expected one *.txt per review")
        return texts

    parts: Parts = {}
    for split in ("train", "test"):
        neg, pos = reviews(f"{split}/neg"), reviews(f"{split}/pos")
        data = Dataset.from_dict({"text": neg + pos, "label": [0] * len(neg) + [1] * len(pos)})
        parts[split] = data, str(folder / split)
    if unsup := reviews("train/unsup"):
        parts["unlabelled"] = Dataset.from_dict({"text": unsup}), str(folder / "train" / "unsup")
    return parts


def _read_tsv(path: Path, spec: _Spec, cache_dir: str | Path | None) -> Dataset:
    """One of GLUE's TSV files: no quoting (its sentences start with or hold bare quotes), "NA" is text, and
    no index column guessed from a first row with a stray tab (that would shift every column)."""
    columns = list(spec.columns)
    header = {"header": None, "column_names": _COLA_COLUMNS} if spec.config == "cola" else {}
    try:
        data = load_dataset("csv", data_files=str(path), split="train", cache_dir=cache_dir, delimiter="\t",
                            quoting=csv.QUOTE_NONE, keep_default_na=False, index_col=False, **header)
    except Exception as exc:  # the parser's reason (an empty file, too many fields on line N), with the file's name
        layout = f"no header and the columns {_COLA_COLUMNS}" if header else f"a header naming {columns}"
        raise RealDataError(f"{path} is not a GLUE TSV file with {layout}: {exc.__cause__ or exc}") from exc
    data = _require(data, str(path), columns)
    for column in columns:
        values = list(data[column])
        if "" in values:  # pandas fills the missing fields of a short row with ""
            raise RealDataError(f"{path}, data row {values.index('') + 1}: empty {column!r} field (too few tabs?)")
    return data


def _require(data: Dataset, source: str, columns: list[str]) -> Dataset:
    missing = [c for c in columns if c not in data.column_names]
    if missing:
        raise RealDataError(f"{source} has columns {data.column_names} but lacks {missing}; expected {columns}")
    if len(data) == 0:
        raise RealDataError(f"{source} is empty; expected rows with columns {columns}")
    return data


def _clean_text(data: Dataset, source: str) -> Dataset:
    """Keep paragraphs: strip whitespace, drop blank lines and `` = Heading = `` lines."""

    def keep(batch: dict[str, list]) -> dict[str, list[str]]:
        lines = (str(line).strip() for line in batch["text"])
        return {"text": [line for line in lines if line and not _HEADING.match(line)]}

    data = _require(data, source, ["text"])
    cleaned = data.map(keep, batched=True, remove_columns=data.column_names)  # one pass, rows dropped in place
    if len(cleaned) == 0:
        raise RealDataError(f"{source} holds no text once blank and heading lines are dropped")
    return cleaned


def _labelled(data: Dataset, source: str, spec: _Spec) -> Dataset:
    """Rename to text/text_pair/label, check the labels, and cast label to a ClassLabel with our names."""
    data = data.rename_columns({old: new for old, new in _RENAMES.items()
                                if old in data.column_names and new not in data.column_names})
    columns = ["text", "text_pair", "label"] if spec.pair else ["text", "label"]
    data = _require(data, source, columns)
    names = list(spec.labels)
    # a label is a name, an alias, or an index (an int, or a string of one from a TSV file)
    lookup = {key: i for i, n in enumerate(names) for key in (n, i, str(i), *(a for a in _ALIASES if _ALIASES[a] == n))}
    bad = [value for value in data.unique("label") if value not in lookup]
    if bad:
        hidden = " (-1 marks a hidden label, as in GLUE's test split)" if -1 in bad else ""
        raise RealDataError(f"{source}: label value(s) {sorted(map(str, bad))[:5]} are not known{hidden}; "
                            f"expected {names} or their indices 0..{len(names) - 1}")

    def tidy(batch: dict[str, list]) -> dict[str, list]:
        texts = {column: [str(t).strip() for t in batch[column]] for column in columns if column != "label"}
        return texts | {"label": [lookup[value] for value in batch["label"]]}

    features = Features({**{c: Value("string") for c in columns if c != "label"}, "label": ClassLabel(names=names)})
    return data.map(tidy, batched=True, remove_columns=data.column_names, features=features)
