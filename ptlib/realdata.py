"""The real benchmarks, in the same schema as the generated data.

The course runs offline on generated data by default. Readers who are online (or who
downloaded the files once) can swap in the real thing with :func:`load_real`, which
returns exactly the schema the notebooks expect:

- pre-training text (``wikitext-2``, ``wikitext-103``): a ``DatasetDict`` train/validation/test
  with one ``text`` column, one paragraph per row, headings (`` = Title = ``) and blank lines dropped;
- classification (``imdb``, ``sst2``, ``cola``, ``rte``, ``mrpc``): train/validation/test with
  ``text`` (and ``text_pair``) strings and a ``label`` ClassLabel with GLUE's label names.

Where the data comes from: the Hugging Face hub through ``datasets.load_dataset`` (the local
hub cache first, so a second run needs no network), or ``data_dir=``, a folder holding the
files in their classic release format or the hub's parquet files. Without a network the hub
fails in a few seconds with :class:`DatasetUnavailable` instead of a minute of retries.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import os
import re
import socket
import ssl
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_dataset

# share of the labelled training data held out as the validation split (seeded)
VALIDATION_FRACTION = 0.1


class RealDataError(ValueError):
    """Bad input: an unknown data set name, or local files that are missing or malformed."""


class DatasetUnavailable(RuntimeError):
    """The hub cannot be reached (offline) and the data set is not in the local cache."""


@dataclass(frozen=True)
class _Spec:
    description: str
    hub_id: str
    config: str
    labels: tuple[str, ...] = ()  # empty for pre-training text
    pair: bool = False
    # the source's split name -> ours; "test" is always a *labelled* held-out split
    splits: dict[str, str] = field(default_factory=lambda: {"train": "train", "validation": "test"})
    # subfolders of data_dir also searched (the classic archive's folder, the hub's config folder)
    folders: tuple[str, ...] = ()


_TEXT_SPLITS = {"train": "train", "validation": "validation", "test": "test"}
_SPECS = {
    "wikitext-2": _Spec(
        "Wikipedia articles, ~2M words (pre-training text)",
        "Salesforce/wikitext",
        "wikitext-2-raw-v1",
        splits=_TEXT_SPLITS,
        folders=("wikitext-2-raw", "wikitext-2-raw-v1"),
    ),
    "wikitext-103": _Spec(
        "Wikipedia articles, ~103M words (pre-training text)",
        "Salesforce/wikitext",
        "wikitext-103-raw-v1",
        splits=_TEXT_SPLITS,
        folders=("wikitext-103-raw", "wikitext-103-raw-v1"),
    ),
    "imdb": _Spec(
        "IMDB movie reviews, 50k labelled + 50k unlabelled (sentiment)",
        "stanfordnlp/imdb",
        "plain_text",
        ("negative", "positive"),
        splits={"train": "train", "test": "test", "unsupervised": "unlabelled"},
        folders=("aclImdb", "plain_text"),
    ),
    "sst2": _Spec(
        "Stanford Sentiment Treebank, movie review phrases (sentiment)",
        "nyu-mll/glue",
        "sst2",
        ("negative", "positive"),
        folders=("SST-2", "sst2"),
    ),
    "cola": _Spec(
        "Corpus of Linguistic Acceptability (acceptability)",
        "nyu-mll/glue",
        "cola",
        ("unacceptable", "acceptable"),
        folders=("CoLA", "cola"),
    ),
    "rte": _Spec(
        "Recognizing Textual Entailment (entailment)",
        "nyu-mll/glue",
        "rte",
        ("entailment", "not_entailment"),
        pair=True,
        folders=("RTE", "rte"),
    ),
    "mrpc": _Spec(
        "Microsoft Research Paraphrase Corpus (paraphrase)",
        "nyu-mll/glue",
        "mrpc",
        ("not_equivalent", "equivalent"),
        pair=True,
        folders=("MRPC", "mrpc"),
    ),
}
REAL_DATASETS: dict[str, str] = {name: spec.description for name, spec in _SPECS.items()}

# GLUE's TSV layouts: our column -> header name, or column index for CoLA's header-less files
_TSV_COLUMNS: dict[str, dict[str, str | int]] = {
    "sst2": {"text": "sentence", "label": "label"},
    "cola": {"text": 3, "label": 1},  # source, label, original label, sentence
    "rte": {"text": "sentence1", "text_pair": "sentence2", "label": "label"},
    "mrpc": {"text": "#1 String", "text_pair": "#2 String", "label": "Quality"},
}
_TSV_FILES = {"train": "train.tsv", "test": "dev.tsv"}  # GLUE's test.tsv has no labels
_MSR_FILES = {"train": "msr_paraphrase_train.txt", "test": "msr_paraphrase_test.txt"}
_WIKI_FILES = {"train": "wiki.train.raw", "validation": "wiki.valid.raw", "test": "wiki.test.raw"}
_RENAMES = {"sentence": "text", "sentence1": "text", "sentence2": "text_pair"}  # GLUE's names -> ours
_ALIASES = {"neg": "negative", "pos": "positive"}  # IMDB's label names
_HEADING = re.compile(r"^=+\s.*\s=+$")  # " = Title = ", " = = Section = = "

Parts = dict[str, tuple[Dataset, str]]  # our split -> (data, where it came from, for messages)


def load_real(
    name: str,
    *,
    data_dir: str | Path | None = None,
    seed: int = 0,
    timeout: float = 3.0,
    cache_dir: str | Path | None = None,
) -> DatasetDict:
    """Load a real data set (see :data:`REAL_DATASETS`) in the project's schema.

    ``data_dir``: a folder with the files (classic release or the hub's parquet files); without
    it the data comes from the hub cache, else the hub (``timeout`` seconds to reach it).
    ``seed`` fixes the validation carve-out; ``cache_dir`` is passed to ``load_dataset``.

    Classification splits: ``validation`` is a seeded, stratified 10% of the training data and
    ``train`` the rest; ``test`` is IMDB's test split, or GLUE's *validation* split for sst2,
    cola, rte and mrpc (GLUE's own test labels are hidden). IMDB adds ``unlabelled`` (its
    50k unsupervised reviews, ``text`` column only); its texts keep their ``<br />`` tags.
    """
    spec = _spec(name)
    cache = None if cache_dir is None else str(cache_dir)
    if data_dir is None:
        parts = _from_hub(name, spec, timeout, cache)
    else:
        parts = _from_folder(name, spec, Path(data_dir), cache)
    if not spec.labels:
        return DatasetDict({split: _clean_text(*parts[split]) for split in _TEXT_SPLITS.values()})
    labelled = {split: _labelled(*parts[split], spec) for split in ("train", "test")}
    train = labelled["train"]
    if len(train) < 2:
        raise RealDataError(
            f"{parts['train'][1]} has {len(train)} row(s); need at least 2 to carve out a validation split"
        )
    try:
        carved = train.train_test_split(test_size=VALIDATION_FRACTION, seed=seed, stratify_by_column="label")
    except ValueError:  # too few rows of a class to stratify (tiny files): a plain seeded split
        carved = train.train_test_split(test_size=VALIDATION_FRACTION, seed=seed)
    out = DatasetDict(train=carved["train"], validation=carved["test"], test=labelled["test"])
    if "unlabelled" in parts:
        unlabelled, source = parts["unlabelled"]
        _require(unlabelled, source, ["text"])
        out["unlabelled"] = unlabelled.select_columns(["text"])
    return out


def _spec(name: str) -> _Spec:
    if name in _SPECS:
        return _SPECS[name]
    close = difflib.get_close_matches(str(name).lower(), _SPECS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise RealDataError(f"unknown data set {name!r}.{hint} Known: {', '.join(_SPECS)}.")


# --- the hub: cache first, then a quick reachability check, then the download ------------------


def _from_hub(name: str, spec: _Spec, timeout: float, cache_dir: str | None) -> Parts:
    try:
        with _offline_mode():  # only the local cache: no network, answers in milliseconds
            data = load_dataset(spec.hub_id, spec.config, cache_dir=cache_dir)
    except Exception:  # not cached (or an unreadable cache): try the network below
        data = None
    if data is None:
        advice = (
            "Either connect and retry, download the files once and pass data_dir=..., "
            "or use the generated corpus (ptlib's default)."
        )
        if _offline_requested():
            raise DatasetUnavailable(
                f"{name!r} is not in the local Hugging Face cache and offline mode is on "
                f"(HF_HUB_OFFLINE / HF_DATASETS_OFFLINE). Unset it and retry, or: {advice}"
            )
        route = _hub_route()
        if not _reachable(route, timeout):
            raise DatasetUnavailable(
                f"Could not reach the Hugging Face hub ({route.label}) within {timeout:g} s "
                f"to download {name!r}. You are probably offline. {advice}"
            )
        try:
            data = load_dataset(spec.hub_id, spec.config, cache_dir=cache_dir)
        except Exception as exc:
            raise DatasetUnavailable(
                f"Downloading {name!r} ({spec.hub_id}, {spec.config}) failed: {exc}. {advice}"
            ) from exc
    return _pick_splits(data, spec, lambda split: f"hub data set {spec.hub_id} ({spec.config}) split {split!r}")


@contextlib.contextmanager
def _offline_mode() -> Iterator[None]:
    """Switch datasets/huggingface_hub to offline mode for one call.

    Both read HF_HUB_OFFLINE once, at import, so the environment variable cannot do it here.
    """
    import datasets.config
    from huggingface_hub import constants

    switches = [
        (mod, attr)
        for mod, attr in (
            (datasets.config, "HF_HUB_OFFLINE"),
            (datasets.config, "HF_DATASETS_OFFLINE"),
            (constants, "HF_HUB_OFFLINE"),
        )
        if hasattr(mod, attr)
    ]
    saved = [getattr(mod, attr) for mod, attr in switches]
    for mod, attr in switches:
        setattr(mod, attr, True)
    try:
        yield
    finally:
        for (mod, attr), value in zip(switches, saved, strict=True):
            setattr(mod, attr, value)


def _offline_requested() -> bool:
    return any(
        os.environ.get(var, "").strip().upper() in ("1", "ON", "YES", "TRUE")
        for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
    )


@dataclass(frozen=True)
class _Route:
    host: str  # what the probe connects to: the hub, or the proxy that requests to the hub go through
    port: int
    tls_name: str | None  # the server name to check a TLS handshake against; None: TCP only
    label: str  # for messages


def _hub_route() -> _Route:
    from huggingface_hub import constants

    url = urlparse(os.environ.get("HF_ENDPOINT") or constants.ENDPOINT)
    scheme, host = url.scheme or "https", url.hostname or "huggingface.co"
    port = url.port or (443 if scheme == "https" else 80)
    # the hub client honours HTTPS_PROXY/NO_PROXY from the environment: probe the same way
    proxy = urllib.request.getproxies_environment().get(scheme)
    if proxy and not urllib.request.proxy_bypass_environment(host):
        via = urlparse(proxy if "://" in proxy else f"http://{proxy}")
        proxy_host, proxy_port = via.hostname or "", via.port or 80
        return _Route(proxy_host, proxy_port, None, f"{host}:{port} via proxy {proxy_host}:{proxy_port}")
    return _Route(host, port, host if scheme == "https" else None, f"{host}:{port}")


def _reachable(route: _Route, timeout: float) -> bool:
    """Can a connection (and a TLS handshake, for https) be made within ``timeout`` seconds?

    The handshake tells the hub from a captive portal or a proxy that intercepts TLS, where TCP
    connects but every download would fail after a minute of retries.
    """
    answer: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((route.host, route.port), timeout=timeout) as sock:
                if route.tls_name:
                    context = ssl.create_default_context()
                    with contextlib.suppress(ImportError, OSError):  # also trust certifi, as the hub client does
                        import certifi

                        context.load_verify_locations(certifi.where())
                    context.wrap_socket(sock, server_hostname=route.tls_name).close()
            answer.append(True)
        except OSError:  # refused, unreachable, name unknown, timed out, TLS failed
            answer.append(False)

    # a thread, because the name lookup inside create_connection ignores the timeout
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer and answer[0])


def _pick_splits(data: DatasetDict, spec: _Spec, describe: Callable[[str], str | None]) -> Parts:
    parts: Parts = {}
    for theirs, ours in spec.splits.items():
        if theirs in data:
            parts[ours] = (data[theirs], describe(theirs))
        elif ours != "unlabelled":
            raise RealDataError(
                f"{describe(theirs)} is missing: expected splits {list(spec.splits)}, found {list(data)}"
            )
    return parts


# --- local files -------------------------------------------------------------------------------


def _from_folder(name: str, spec: _Spec, data_dir: Path, cache_dir: str | None) -> Parts:
    if not data_dir.is_dir():
        raise RealDataError(f"data_dir {str(data_dir)!r} is not a folder")
    for folder in [data_dir, *(data_dir / sub for sub in spec.folders)]:
        if not spec.labels and (folder / _WIKI_FILES["train"]).is_file():
            files = _need_files(folder, _WIKI_FILES)
            data = load_dataset("text", data_files={s: str(p) for s, p in files.items()}, cache_dir=cache_dir)
            return {split: (data[split], str(files[split])) for split in files}
        if name == "imdb" and (folder / "train" / "pos").is_dir():
            return _read_aclimdb(folder)
        if name in _TSV_COLUMNS:
            for names in (_TSV_FILES, _MSR_FILES) if name == "mrpc" else (_TSV_FILES,):
                if (folder / names["train"]).is_file():
                    files = _need_files(folder, names)
                    return {split: (_read_tsv(path, _TSV_COLUMNS[name]), str(path)) for split, path in files.items()}
        parquet = {
            theirs: sorted(folder.glob(f"{theirs}-*.parquet")) or sorted(folder.glob(f"{theirs}.parquet"))
            for theirs in spec.splits
        }
        if parquet["train"]:
            missing = [s for s, ours in spec.splits.items() if not parquet[s] and ours != "unlabelled"]
            if missing:
                raise RealDataError(
                    f"{folder} has train parquet files but none for split(s) {missing}; expected "
                    f"files named <split>-*.parquet for splits {list(spec.splits)}"
                )
            data = load_dataset(
                "parquet",
                data_files={s: [str(p) for p in ps] for s, ps in parquet.items() if ps},
                cache_dir=cache_dir,
            )
            found = {split: ", ".join(str(p) for p in paths) for split, paths in parquet.items()}
            return _pick_splits(data, spec, found.get)
    raise RealDataError(
        f"{data_dir} holds no {name!r} files. Expected {_expected(name, spec)} in it "
        f"(or in a subfolder named {' or '.join(spec.folders)})."
    )


def _expected(name: str, spec: _Spec) -> str:
    parquet = "/".join(f"{split}-*.parquet" for split in spec.splits)
    if not spec.labels:
        return f"{', '.join(_WIKI_FILES.values())} (the classic raw release), or {parquet}"
    if name == "imdb":
        layout = "train/pos/*.txt, train/neg, test/pos, test/neg, optional train/unsup"
        return f"the aclImdb layout ({layout}), or {parquet}"
    msr = f", or {' and '.join(_MSR_FILES.values())}" if name == "mrpc" else ""
    return f"GLUE's {' and '.join(_TSV_FILES.values())}{msr}, or {parquet}"


def _need_files(folder: Path, names: dict[str, str]) -> dict[str, Path]:
    files = {split: folder / file for split, file in names.items()}
    missing = [path.name for path in files.values() if not path.is_file()]
    if missing:
        raise RealDataError(f"{folder} lacks {', '.join(missing)}; expected all of {', '.join(names.values())}")
    return files


def _read_aclimdb(folder: Path) -> Parts:
    parts: Parts = {}
    for split in ("train", "test"):
        text: list[str] = []
        label: list[int] = []
        for index, sub in enumerate(("neg", "pos")):
            files = sorted((folder / split / sub).glob("*.txt"))
            if not files:
                raise RealDataError(f"{folder / split / sub} holds no review files; expected one *.txt per review")
            text += [path.read_text(encoding="utf-8").strip() for path in files]
            label += [index] * len(files)
        parts[split] = (Dataset.from_dict({"text": text, "label": label}), str(folder / split))
    unsup = sorted((folder / "train" / "unsup").glob("*.txt"))
    if unsup:
        texts = [path.read_text(encoding="utf-8").strip() for path in unsup]
        parts["unlabelled"] = (Dataset.from_dict({"text": texts}), str(folder / "train" / "unsup"))
    return parts


def _read_tsv(path: Path, columns: dict[str, str | int]) -> Dataset:
    """Read one of GLUE's TSV files (no quoting: GLUE's sentences contain bare quotes)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:  # -sig: MRPC's files start with a BOM
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = [(reader.line_num, row) for row in reader if row]
    header_less = all(isinstance(c, int) for c in columns.values())
    if header_less:  # CoLA
        expected = "no header and 4 columns: source, label, original label, sentence"
    else:
        expected = "a header naming the columns " + ", ".join(map(str, columns.values()))
    if len(rows) < (1 if header_less else 2):
        raise RealDataError(f"{path} has no data rows; expected a GLUE TSV file with {expected}")
    if header_less:
        index = {ours: int(col) for ours, col in columns.items()}
        body = rows
    else:
        header = [cell.strip() for cell in rows[0][1]]
        missing = [str(col) for col in columns.values() if col not in header]
        if missing:
            raise RealDataError(f"{path}: the header {header} lacks {missing}; expected a GLUE TSV with {expected}")
        index = {ours: header.index(str(col)) for ours, col in columns.items()}
        body = rows[1:]
    width = max(index.values()) + 1
    data: dict[str, list[str]] = {ours: [] for ours in columns}
    for line, row in body:
        if len(row) < width:
            raise RealDataError(f"{path}, line {line}: {len(row)} tab-separated field(s), expected at least {width}")
        for ours, col in index.items():
            data[ours].append(row[col].strip())
    return Dataset.from_dict(data)


# --- into the project's schema -----------------------------------------------------------------


def _require(data: Dataset, source: str, columns: list[str]) -> None:
    missing = [c for c in columns if c not in data.column_names]
    if missing:
        raise RealDataError(f"{source} has columns {data.column_names} but lacks {missing}; expected {columns}")
    if len(data) == 0:
        raise RealDataError(f"{source} is empty; expected rows with columns {columns}")


def _clean_text(data: Dataset, source: str) -> Dataset:
    """Keep paragraphs: strip whitespace, drop blank lines and `` = Heading = `` lines."""
    _require(data, source, ["text"])

    def keep(batch: dict[str, list]) -> dict[str, list[str]]:
        lines = (str(line).strip() for line in batch["text"])
        return {"text": [line for line in lines if line and not _HEADING.match(line)]}

    cleaned = data.map(keep, batched=True, remove_columns=data.column_names)
    if len(cleaned) == 0:
        raise RealDataError(f"{source} holds no text once blank and heading lines are dropped")
    return cleaned


def _labelled(data: Dataset, source: str, spec: _Spec) -> Dataset:
    """Rename to text/text_pair/label, check the labels, and cast label to a ClassLabel."""
    data = data.rename_columns(
        {old: new for old, new in _RENAMES.items() if old in data.column_names and new not in data.column_names}
    )
    columns = ["text", "text_pair", "label"] if spec.pair else ["text", "label"]
    _require(data, source, columns)
    names = list(spec.labels)
    lookup = {
        **{n: i for i, n in enumerate(names)},
        **{str(i): i for i in range(len(names))},
        **{alias: names.index(n) for alias, n in _ALIASES.items() if n in names},
    }
    values = data.unique("label")
    textual = data.features["label"].dtype == "string"
    bad = [v for v in values if (v not in lookup if textual else v not in range(len(names)))]
    if bad:
        hidden = " (-1 marks a hidden label, as in GLUE's test split)" if -1 in bad else ""
        raise RealDataError(
            f"{source}: label value(s) {sorted(map(str, bad))[:5]} are not known{hidden}; "
            f"expected {names} or their indices 0..{len(names) - 1}"
        )

    def tidy(batch: dict[str, list]) -> dict[str, list]:
        out = {c: [str(t).strip() for t in batch[c]] for c in columns if c != "label"}
        out["label"] = [lookup[v] for v in batch["label"]] if textual else batch["label"]
        return out

    features = Features({**{c: Value("string") for c in columns if c != "label"}, "label": ClassLabel(names=names)})
    return data.map(tidy, batched=True, remove_columns=data.column_names, features=features)
