"""Tests for ptlib.data.real: every loader on tiny files in the real formats, written into tmp_path.

The hub is never contacted: the hub tests point its endpoint at a local port that is closed or never answers.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import datasets.config
import pytest
from datasets import ClassLabel, Dataset, DatasetDict, Features, Value
from huggingface_hub import constants as hub_constants

from ptlib.data import real
from ptlib.data.real import REAL_DATASETS, DatasetUnavailable, RealDataError, load_real

SENTIMENT = ["negative", "positive"]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh datasets cache for each test, also for calls without cache_dir: never the user's own."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    return tmp_path / "hf-cache"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def assert_classification(data: DatasetDict, names: list[str], pair: bool, n_train: int, n_test: int) -> None:
    columns = ["text", "text_pair", "label"] if pair else ["text", "label"]
    for split in ("train", "validation", "test"):
        assert data[split].column_names == columns, split
        assert data[split].features["label"] == ClassLabel(names=names)
        assert data[split].features["text"] == Value("string")
    # the validation split is carved out of train: 10%, disjoint, together the whole of train
    n_validation = len(data["validation"])
    assert n_validation == -(-n_train // 10)
    assert len(data["train"]) + n_validation == n_train
    assert len(data["test"]) == n_test
    train_rows = set(zip(*(data["train"][c] for c in columns), strict=True))
    validation_rows = set(zip(*(data["validation"][c] for c in columns), strict=True))
    assert len(train_rows) == len(data["train"]) and not train_rows & validation_rows
    for split in ("train", "validation", "test"):
        assert all(t == t.strip() and t for t in data[split]["text"])


# --- pre-training text ------------------------------------------------------------------------

# lines as in the classic release: a space before and after, blank lines holding one space
WIKI = "".join(
    f" {line} \n"
    for line in [
        "",
        "= Valkyria Chronicles III =",
        "",
        "Senjō no Valkyria 3 : Unrecorded Chronicles is a tactical role @-@ playing video game .",
        "",
        "= = Gameplay = =",
        "",
        "As with previous Valkyira Chronicles games , the game is a tactical role @-@ playing game .",
        "The game 's battle system was carried over directly from the first game .",
        "",
        "= = = Plot = = =",
        "",
    ]
)


def test_wikitext_raw_files_drop_headings_and_blank_lines(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "wikitext-2-raw"  # the classic archive's folder, found under data_dir
    write(folder / "wiki.train.raw", WIKI)
    write(folder / "wiki.valid.raw", " = Title = \n \n One line . \n")
    write(folder / "wiki.test.raw", " \n Another line . \n Last line = done = \n")
    data = load_real("wikitext-2", data_dir=tmp_path, cache_dir=cache)
    assert list(data) == ["train", "validation", "test"]
    assert all(data[split].column_names == ["text"] for split in data)
    assert data["train"]["text"][:] == [
        "Senjō no Valkyria 3 : Unrecorded Chronicles is a tactical role @-@ playing video game .",
        "As with previous Valkyira Chronicles games , the game is a tactical role @-@ playing game .",
        "The game 's battle system was carried over directly from the first game .",
    ]
    assert data["validation"]["text"][:] == ["One line ."]
    assert data["test"]["text"][:] == ["Another line .", "Last line = done ="]  # not a heading


def test_wikitext_hub_parquet_layout(tmp_path: Path, cache: Path) -> None:
    folder = tmp_path / "wikitext-103-raw-v1"
    for split in ("train", "validation", "test"):
        lines = ["", " = Heading = \n", f" {split} paragraph one . \n", "", f" {split} paragraph two . \n"]
        Dataset.from_dict({"text": lines}).to_parquet(folder / f"{split}-00000-of-00001.parquet")
    data = load_real("wikitext-103", data_dir=tmp_path, cache_dir=cache)
    assert list(data) == ["train", "validation", "test"]
    for split in data:
        assert data[split]["text"][:] == [f"{split} paragraph one .", f"{split} paragraph two ."]


def test_wikitext_errors_name_the_file(tmp_path: Path, cache: Path) -> None:
    write(tmp_path / "wiki.train.raw", WIKI)
    write(tmp_path / "wiki.valid.raw", WIKI)
    with pytest.raises(RealDataError, match=r"lacks wiki\.test\.raw"):
        load_real("wikitext-2", data_dir=tmp_path, cache_dir=cache)
    write(tmp_path / "wiki.test.raw", " = Only a heading = \n \n")
    with pytest.raises(RealDataError, match=r"wiki\.test\.raw holds no text"):
        load_real("wikitext-2", data_dir=tmp_path, cache_dir=cache)
    bad = tmp_path / "parquet"
    for split in ("train", "validation", "test"):
        Dataset.from_dict({"content": ["a line"]}).to_parquet(bad / f"{split}.parquet")
    with pytest.raises(RealDataError, match=r"train\.parquet has columns \['content'\] but lacks \['text'\]"):
        load_real("wikitext-2", data_dir=bad, cache_dir=cache)


# --- IMDB ---------------------------------------------------------------------------------------


def write_aclimdb(root: Path, n_train: int = 10, n_test: int = 3, n_unsup: int = 2) -> None:
    for split, n in (("train", n_train), ("test", n_test)):
        for sub, rating in (("pos", 9), ("neg", 2)):
            for i in range(n):
                write(
                    root / split / sub / f"{i}_{rating}.txt",
                    f"{split} {sub} review {i}.<br /><br />The end.\n",
                )
    for i in range(n_unsup):
        write(root / "train" / "unsup" / f"{i}_0.txt", f"unlabelled review {i}")


def test_imdb_aclimdb_folder(tmp_path: Path) -> None:
    write_aclimdb(tmp_path / "aclImdb")
    data = load_real("imdb", data_dir=tmp_path)
    assert list(data) == ["train", "validation", "test", "unlabelled"]
    assert_classification(data, SENTIMENT, pair=False, n_train=20, n_test=6)
    assert data["unlabelled"].column_names == ["text"] and len(data["unlabelled"]) == 2
    # labels follow the folder: neg -> negative (0), pos -> positive (1)
    for row in data["test"]:
        assert (" pos " in row["text"]) == (row["label"] == 1)


def test_imdb_hub_parquet_with_classlabel_and_unsupervised(tmp_path: Path, cache: Path) -> None:
    features = Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])})
    for split, n in (("train", 40), ("test", 8), ("unsupervised", 3)):
        labels = [-1] * n if split == "unsupervised" else [i % 2 for i in range(n)]
        rows = {"text": [f"{split} review {i}" for i in range(n)], "label": labels}
        Dataset.from_dict(rows, features=features).to_parquet(tmp_path / f"{split}-00000-of-00001.parquet")
    data = load_real("imdb", data_dir=tmp_path, cache_dir=cache, seed=1)
    assert_classification(data, SENTIMENT, pair=False, n_train=40, n_test=8)
    assert data["validation"]["label"][:].count(0) == 2  # stratified: 2 of each class
    assert data["unlabelled"].column_names == ["text"] and len(data["unlabelled"]) == 3
    # the carve-out is seeded: the same seed repeats it, another seed changes it
    again = load_real("imdb", data_dir=tmp_path, cache_dir=cache, seed=1)
    other = load_real("imdb", data_dir=tmp_path, cache_dir=cache, seed=2)
    assert again["validation"]["text"][:] == data["validation"]["text"][:]
    assert sorted(other["validation"]["text"][:]) != sorted(data["validation"]["text"][:])


def test_imdb_errors(tmp_path: Path, cache: Path) -> None:
    write_aclimdb(tmp_path, n_test=0)
    with pytest.raises(RealDataError, match=r"test.neg holds no review files"):
        load_real("imdb", data_dir=tmp_path)
    strings = tmp_path / "strings"
    for split in ("train", "test"):
        Dataset.from_dict({"text": ["a", "b", "c"], "label": ["pos", "neg", "meh"]}).to_parquet(
            strings / f"{split}.parquet"
        )
    with pytest.raises(RealDataError, match=r"train\.parquet: label value\(s\) \['meh'\] are not known"):
        load_real("imdb", data_dir=strings, cache_dir=cache)


# --- GLUE ---------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Length of header or names does not match")  # pandas, on the stray tab
def test_sst2_tsv(tmp_path: Path) -> None:
    rows = [f'a "quoted" phrase number {i} \t{i % 2}' for i in range(18)]
    rows.insert(3, '" a stray quote that never closes \t1')  # with csv quoting, it would swallow the lines after it
    rows.insert(0, "a first row with a stray tab at the end .\t0\t")  # not to be read as an index column
    write(tmp_path / "SST-2" / "train.tsv", "sentence\tlabel\n" + "\n".join(rows) + "\n")
    write(tmp_path / "SST-2" / "dev.tsv", "sentence\tlabel\nit 's a charming journey . \t1\nawful . \t0\n")
    write(tmp_path / "SST-2" / "test.tsv", "index\tsentence\n0\tno labels here .\n")
    data = load_real("sst2", data_dir=tmp_path)
    assert list(data) == ["train", "validation", "test"]
    assert_classification(data, SENTIMENT, pair=False, n_train=20, n_test=2)
    assert data["test"][:] == {"text": ["it 's a charming journey .", "awful ."], "label": [1, 0]}
    assert any('"quoted"' in text for text in data["train"]["text"])  # quotes are kept, not parsed
    labels = {row["text"]: row["label"] for split in ("train", "validation") for row in data[split]}
    assert labels['" a stray quote that never closes'] == 1 and labels["a first row with a stray tab at the end ."] == 0


def test_cola_tsv_without_header(tmp_path: Path) -> None:
    good = "gj04\t1\t\tOur friends won't buy this analysis, let alone the next one we propose."
    bad = "gj04\t0\t*\tThey drank the pub."
    write(
        tmp_path / "train.tsv",
        "\n".join(f"{good[:-1]} {i}." if i % 2 else f"{bad[:-1]} {i}." for i in range(12)),
    )
    write(tmp_path / "dev.tsv", f"{good}\n{bad}\n{bad}\nc-05\t0\t*\tNA\n")
    data = load_real("cola", data_dir=tmp_path)
    assert_classification(data, ["unacceptable", "acceptable"], pair=False, n_train=12, n_test=4)
    assert data["test"]["label"][:] == [1, 0, 0, 0]
    assert data["test"]["text"][2:] == ["They drank the pub.", "NA"]  # "NA" is text, not a missing value


def test_rte_tsv_with_string_labels(tmp_path: Path) -> None:
    header = "index\tsentence1\tsentence2\tlabel\n"
    labels = ("entailment", "not_entailment")
    rows = [f"{i}\tPremise {i} .\tHypothesis {i} .\t{labels[i % 2]}" for i in range(10)]
    write(tmp_path / "train.tsv", header + "\n".join(rows))
    write(tmp_path / "dev.tsv", header + "0\tA man sleeps .\tA person rests .\tentailment\n")
    data = load_real("rte", data_dir=tmp_path)
    assert_classification(data, ["entailment", "not_entailment"], pair=True, n_train=10, n_test=1)
    assert data["test"][0] == {"text": "A man sleeps .", "text_pair": "A person rests .", "label": 0}


MRPC_HEADER = "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"


@pytest.mark.parametrize("files", [("train.tsv", "dev.tsv"), ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt")])
def test_mrpc_glue_and_msr_files(tmp_path: Path, files: tuple[str, str]) -> None:
    rows = [f'{i % 2}\t{100 + i}\t{200 + i}\tHe said "yes" {i} .\tHe agreed {i} .' for i in range(10)]
    write(tmp_path / files[0], MRPC_HEADER + "\n".join(rows) + "\n")
    write(tmp_path / files[1], MRPC_HEADER + "1\t1\t2\tThe cat sat .\tA cat was sitting .\n")
    data = load_real("mrpc", data_dir=tmp_path)
    assert_classification(data, ["not_equivalent", "equivalent"], pair=True, n_train=10, n_test=1)
    assert data["test"][0] == {"text": "The cat sat .", "text_pair": "A cat was sitting .", "label": 1}


def test_glue_hub_parquet_export_drops_idx_and_uses_validation_as_test(tmp_path: Path, cache: Path) -> None:
    features = Features(
        {
            "sentence1": Value("string"),
            "sentence2": Value("string"),
            "label": ClassLabel(names=["entailment", "not_entailment"]),
            "idx": Value("int32"),
        }
    )
    folder = tmp_path / "rte"  # the hub's config folder, found under data_dir
    for split, n, label in (("train", 10, None), ("validation", 4, None), ("test", 5, -1)):
        rows = {
            "sentence1": [f"{split} premise {i}" for i in range(n)],
            "sentence2": [f"{split} hypothesis {i}" for i in range(n)],
            "label": [i % 2 if label is None else label for i in range(n)],
            "idx": list(range(n)),
        }
        Dataset.from_dict(rows, features=features).to_parquet(folder / f"{split}-00000-of-00001.parquet")
    data = load_real("rte", data_dir=tmp_path, cache_dir=cache)
    assert_classification(data, ["entailment", "not_entailment"], pair=True, n_train=10, n_test=4)
    assert all(text.startswith("validation ") for text in data["test"]["text"])


# --- malformed local files ----------------------------------------------------------------------


def test_malformed_glue_files_name_the_file_and_the_expectation(tmp_path: Path) -> None:
    write(tmp_path / "train.tsv", "text\tlabel\nfine .\t1\n")
    write(tmp_path / "dev.tsv", "sentence\tlabel\nfine .\t1\n")
    with pytest.raises(RealDataError, match=r"train\.tsv has columns \['text', 'label'\] but lacks \['sentence'\]"):
        load_real("sst2", data_dir=tmp_path)

    header = "index\tsentence1\tsentence2\tlabel\n"
    write(tmp_path / "train.tsv", header + "0\tA .\tB .\tentailment\n1\tC .\tD .\tentailment\n")
    write(tmp_path / "dev.tsv", header + "0\tA .\tB .\tcontradiction\n")
    with pytest.raises(RealDataError, match=r"dev\.tsv: label value\(s\) \['contradiction'\] are not known") as err:
        load_real("rte", data_dir=tmp_path)
    assert "['entailment', 'not_entailment']" in str(err.value)

    write(tmp_path / "dev.tsv", header + "0\tA .\tB .\tentailment\n\n1\tA .\tB .\n")  # a blank line is skipped
    with pytest.raises(RealDataError, match=r"dev\.tsv, data row 2: empty 'label' field \(too few tabs\?\)"):
        load_real("rte", data_dir=tmp_path)

    # a stray tab: one field too many is an error, not a first column silently taken for an index
    write(tmp_path / "dev.tsv", header + "0\tA .\tB .\tentailment\n1\tA .\tB\t.\tentailment\n")
    with pytest.raises(RealDataError, match=r"dev\.tsv is not a GLUE TSV file with a header naming .*line 3, saw 5"):
        load_real("rte", data_dir=tmp_path)

    write(tmp_path / "train.tsv", "")
    with pytest.raises(RealDataError, match=r"train\.tsv is not a GLUE TSV file with no header and the columns"):
        load_real("cola", data_dir=tmp_path)

    write(tmp_path / "train.tsv", "gj04\t1\t\tOne sentence .\n")
    write(tmp_path / "dev.tsv", "gj04\t1\t\tOne sentence .\n")
    with pytest.raises(RealDataError, match=r"train\.tsv has 1 row\(s\); need at least 2"):
        load_real("cola", data_dir=tmp_path)


def test_hidden_glue_test_labels_are_rejected(tmp_path: Path, cache: Path) -> None:
    for split in ("train", "validation"):
        Dataset.from_dict({"sentence": ["a", "b"], "label": [-1, -1], "idx": [0, 1]}).to_parquet(
            tmp_path / f"{split}.parquet"
        )
    with pytest.raises(RealDataError, match=r"-1 marks a hidden label"):
        load_real("sst2", data_dir=tmp_path, cache_dir=cache)


def test_folder_without_the_expected_files(tmp_path: Path) -> None:
    write(tmp_path / "README.txt", "nothing useful")
    with pytest.raises(RealDataError, match=r"holds no 'mrpc' files. Expected GLUE's train\.tsv and dev\.tsv") as err:
        load_real("mrpc", data_dir=tmp_path)
    assert "msr_paraphrase_train.txt" in str(err.value) and "MRPC" in str(err.value)
    with pytest.raises(RealDataError, match=r"aclImdb layout"):
        load_real("imdb", data_dir=tmp_path)
    with pytest.raises(RealDataError, match=r"is not a folder"):
        load_real("imdb", data_dir=tmp_path / "missing")
    Dataset.from_dict({"text": ["a"]}).to_parquet(tmp_path / "train.parquet")
    with pytest.raises(RealDataError, match=r"none for split\(s\) \['validation', 'test'\]"):
        load_real("wikitext-2", data_dir=tmp_path)



# --- names and the hub --------------------------------------------------------------------------


def test_known_names_and_unknown_name_suggestion() -> None:
    assert list(REAL_DATASETS) == ["wikitext-2", "wikitext-103", "imdb", "sst2", "cola", "rte", "mrpc"]
    assert all(isinstance(text, str) and text for text in REAL_DATASETS.values())
    with pytest.raises(RealDataError, match=r"unknown data set 'imbd'\. Did you mean 'imdb'\?") as err:
        load_real("imbd")
    assert "wikitext-2, wikitext-103, imdb, sst2, cola, rte, mrpc" in str(err.value)
    with pytest.raises(RealDataError, match=r"Did you mean 'wikitext-2'"):
        load_real("wikitext2")


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline mode off (environment and library flags) and no proxy, whatever the machine running the tests says."""
    for variable in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def closed_hub(online: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hub's endpoint at a local port that nothing listens on: every connection is refused at once."""
    with socket.socket() as probe:  # a port the OS just handed out and that is now closed
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    point_hub_at(endpoint, monkeypatch)
    return endpoint


def point_hub_at(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both libraries' copies of HF_ENDPOINT (read at import)."""
    monkeypatch.setattr(hub_constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(datasets.config, "HF_ENDPOINT", endpoint)


def no_network(*args: object, **kwargs: object) -> None:
    pytest.fail("contacted the hub")


def offline_by_environment(variable: str) -> Callable[[pytest.MonkeyPatch], None]:
    return lambda monkeypatch: monkeypatch.setenv(variable, "1")


@pytest.mark.parametrize(
    "go_offline",
    [
        offline_by_environment("HF_HUB_OFFLINE"),
        offline_by_environment("HF_DATASETS_OFFLINE"),
        lambda monkeypatch: monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True),  # set before the import
    ],
    ids=["HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "datasets.config"],
)
def test_offline_mode_fails_fast_without_touching_the_network(
    go_offline: Callable[[pytest.MonkeyPatch], None], closed_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    go_offline(monkeypatch)
    monkeypatch.setattr(real, "HfApi", no_network)
    before = (datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE)
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailable) as err:
        load_real("cola")
    assert time.perf_counter() - start < 3
    message = str(err.value)
    assert "'cola' is not in the local Hugging Face cache and offline mode is on" in message
    # what to do: go online once, or the files to download for data_dir=
    assert "Go online once" in message and "data_dir=" in message and "GLUE's train.tsv and dev.tsv" in message
    # the offline switch used for the cache lookup is put back
    assert (datasets.config.HF_HUB_OFFLINE, hub_constants.HF_HUB_OFFLINE) == before


def test_an_unreachable_hub_fails_fast_with_advice(closed_hub: str) -> None:
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailable) as err:
        load_real("sst2", timeout=1.0)
    assert time.perf_counter() - start < 3  # not the ~25 s that load_dataset spends retrying
    message = str(err.value)
    assert f"Could not reach the Hugging Face hub ({closed_hub}) within 1 s to download 'sst2'" in message
    assert "ConnectError" in message  # the library's reason
    assert "Go online once" in message and "data_dir=" in message and "GLUE's train.tsv and dev.tsv" in message
    assert not datasets.config.HF_HUB_OFFLINE and not hub_constants.HF_HUB_OFFLINE


def test_a_proxy_that_cannot_reach_the_hub_fails_fast(online: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # a proxy (or a hub outage) answering 502 at once: load_dataset would retry that for ~25 s
    class BadGateway(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_error(502, "Bad Gateway")

        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), BadGateway) as proxy:
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        point_hub_at(f"http://127.0.0.1:{proxy.server_address[1]}", monkeypatch)
        start = time.perf_counter()
        try:
            with pytest.raises(DatasetUnavailable, match=r"within 1 s to download 'rte': .*502") as err:
                load_real("rte", timeout=1.0)
            assert time.perf_counter() - start < 3
        finally:
            proxy.shutdown()
    assert "data_dir=" in str(err.value)


def test_a_hub_that_never_answers_is_cut_at_the_timeout(online: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # a firewall or a captive portal: the connection opens, no answer ever comes
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # the kernel completes TCP handshakes; nobody ever reads or answers
        host, port = silent.getsockname()
        point_hub_at(f"http://{host}:{port}", monkeypatch)
        hang_up = threading.Timer(5, silent.close)  # should the timeout not work: fail, don't hang forever
        hang_up.start()
        start = time.perf_counter()
        try:
            with pytest.raises(DatasetUnavailable, match=rf"hub \(http://{host}:{port}\) within 0\.5 s .*Timeout"):
                load_real("mrpc", timeout=0.5)
            assert time.perf_counter() - start < 2.5
        finally:
            hang_up.cancel()


def test_a_cached_hub_dataset_loads_without_network(
    tmp_path: Path, closed_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # build what load_dataset("stanfordnlp/imdb") leaves in its cache:
    # <cache>/<owner>___<name>/<config>/<version>/<hash>/
    from datasets.packaged_modules.parquet.parquet import Parquet

    features = Features({"text": Value("string"), "label": ClassLabel(names=["neg", "pos"])})
    files = {}
    for split, n in (("train", 20), ("test", 6), ("unsupervised", 4)):
        labels = [-1] * n if split == "unsupervised" else [i % 2 for i in range(n)]
        rows = {"text": [f"{split} review {i}" for i in range(n)], "label": labels}
        files[split] = str(tmp_path / f"{split}.parquet")
        Dataset.from_dict(rows, features=features).to_parquet(files[split])
    builder = Parquet(
        cache_dir=str(tmp_path / "build"), dataset_name="imdb", config_name="plain_text", data_files=files
    )
    builder.download_and_prepare()
    cache_dir = tmp_path / "elsewhere"  # not the default cache: cache_dir= must reach load_dataset
    cached = cache_dir / "stanfordnlp___imdb" / "plain_text" / "0.0.0"
    cached.mkdir(parents=True)
    shutil.move(builder.cache_dir, cached / "0123abcd")

    monkeypatch.setattr(real, "HfApi", no_network)
    start = time.perf_counter()
    data = load_real("imdb", cache_dir=cache_dir)
    assert time.perf_counter() - start < 3  # the cache in offline mode: no download attempt, no retries
    assert_classification(data, SENTIMENT, pair=False, n_train=20, n_test=6)
    assert data["unlabelled"].column_names == ["text"] and len(data["unlabelled"]) == 4
