"""The course's pre-trained models, each trained once and cached for every later notebook: ``load(name)``.

| name | what | notebooks |
|---|---|---|
| ``lm:general`` | AWD-LSTM LM on the general corpus (ULMFiT's stage 1) | 02, 03 |
| ``lm:general+reviews`` | the same on all unlabelled text, reviews included | 01 |
| ``lm:fine-tuned`` | ``lm:general`` fine-tuned on unlabelled reviews (ULMFiT's stage 2) | 03 |
| ``bilm`` | ELMo's biLM on the general corpus | 04, 05 |
| ``glove`` | GloVe vectors of the course vocabulary, from the general corpus | 05 |
| ``bert`` | a small BERT (MLM + NSP on sentence pairs of the general corpus) with its WordPiece | 06, 07 |

:func:`load_glove_text` reads the published GloVe vectors (``glove.6B.zip`` ...) for anyone who downloads them.

The cache key of a model is its name, the seed and the *whole* configuration dataclass of every section it is
built from (:mod:`ptlib.config`), so a change to any field of those trains a fresh model: no field can be
forgotten. Every model speaks the one course vocabulary (:func:`ptlib.data.course_vocab`).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from . import cache, config
from .arguments import whole_number
from .data import course_vocab, load_corpus, review_texts, unlabelled_texts
from .data.characters import Batcher, CharVocab
from .data.cooccurrences import cooccurrences
from .data.masking import MaskingRule
from .data.microworld import WORLD_VERSION
from .data.streams import steps_per_epoch, token_stream
from .data.vectors import read_vectors
from .data.vocab import Vocab
from .models import awd_lstm, bilm
from .pretrained_bert import bert_builder, restore_bert
from .runtime import cpu_state, restored, seed_everything
from .train.bilm import train_bilm
from .train.glove import train_glove
from .train.language_model import stream_perplexity, train_language_model
from .train.loop import History
from .train.schedules import linear_decay
from .train.ulmfit import fine_tune_language_model

# Bump to retrain every cached model after a change to a recipe that the configuration does not capture.
RECIPE_VERSION = 5


@dataclass
class PretrainedLM:
    """A trained left-to-right LM with its vocabulary; ``perplexity_before`` only for ``lm:fine-tuned``."""

    model: awd_lstm.AWDLSTMLanguageModel
    vocab: Vocab
    history: History
    validation_perplexity: float
    text: str
    perplexity_before: float | None = None  # the general LM's, on the same held-out reviews


@dataclass
class PretrainedBiLM:
    """A trained biLM with what it needs to read text: its word and character vocabularies."""

    model: bilm.BiLM
    vocab: Vocab
    char_vocab: CharVocab
    history: History
    forward_perplexity: float
    backward_perplexity: float

    @property
    def batcher(self) -> Batcher:
        return Batcher(self.vocab, self.char_vocab, self.model.config.max_chars)

    @property
    def dim(self) -> int:
        """The width of every layer's vectors: 2 * the biLM's width (a forward and a backward half)."""
        return 2 * self.model.config.dim


@dataclass
class GloVe:
    """Word vectors with their vocabulary: row ``i`` of ``vectors`` belongs to ``vocab.tokens[i]``."""

    vectors: torch.Tensor  # float32 [len(vocab), dim]
    vocab: Vocab
    # True for words seen in the training text; the others (special tokens, words of the reviews only) keep
    # their random start.
    observed: torch.Tensor  # bool [len(vocab)]
    losses: list[float]  # per epoch: mean weighted squared error per entry
    seconds: float  # time to count and train


def lm_architecture(vocab: Vocab, recipe: config.LMRecipe) -> awd_lstm.LMConfig:
    """The AWD-LSTM of the course's LMs for ``vocab``, every dropout at the recipe's rate."""
    p = recipe.dropout
    return awd_lstm.LMConfig(vocab_size=len(vocab), embedding=recipe.embedding, hidden=recipe.hidden,
                             layers=recipe.layers, embedding_dropout=p, input_dropout=p, hidden_dropout=p,
                             weight_dropout=p, output_dropout=p, softmax_cutoffs=recipe.softmax_cutoffs)




# --- builders: train a model, return what the cache stores ----------------------------------------------------


def _build_lm(text: str) -> Callable[[config.Sizes, int, bool], dict]:
    def build(sizes: config.Sizes, seed: int, progress: bool) -> dict:
        recipe = sizes.lm
        vocab = course_vocab(sizes.corpus, seed)
        train_texts, validation_texts = unlabelled_texts(text, sizes.corpus, seed)
        train, validation = token_stream(train_texts, vocab), token_stream(validation_texts, vocab)
        seed_everything(seed)
        model = awd_lstm.AWDLSTMLanguageModel(lm_architecture(vocab, recipe))
        optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
        total = steps_per_epoch(train.numel(), recipe.batch_size, recipe.bptt) * recipe.epochs
        history = train_language_model(model, train, validation, epochs=recipe.epochs, batch_size=recipe.batch_size,
                                       bptt=recipe.bptt, optimizer=optimizer, scheduler=linear_decay(optimizer, total),
                                       seed=seed, progress=progress, desc=f"pre-training on {text} text")
        return {"state_dict": cpu_state(model), "vocab": vocab, "history": history,
                "validation_perplexity": history.final("validation_perplexity")}

    return build


def _restore_lm(text: str) -> Callable[[dict, config.Sizes], PretrainedLM]:
    def restore(stored: dict, sizes: config.Sizes) -> PretrainedLM:
        model = restored(awd_lstm.AWDLSTMLanguageModel(lm_architecture(stored["vocab"], sizes.lm)),
                           stored["state_dict"])
        return PretrainedLM(model, stored["vocab"], stored["history"], stored["validation_perplexity"], text,
                            stored.get("perplexity_before"))

    return restore


def _build_fine_tuned_lm(sizes: config.Sizes, seed: int, progress: bool) -> dict:
    general = load("lm:general", sizes, seed=seed, progress=progress)
    model = general.model
    train, held_out = (token_stream(texts, general.vocab) for texts in review_texts(sizes.corpus, seed))
    before = stream_perplexity(model, held_out)
    seed_everything(seed)
    history = fine_tune_language_model(model, train, held_out, epochs=sizes.ulmfit.finetune_epochs,
                                       lr=sizes.ulmfit.finetune_lr, batch_size=sizes.lm.batch_size,
                                       bptt=sizes.lm.bptt, seed=seed, progress=progress)
    return {"state_dict": cpu_state(model), "vocab": general.vocab, "history": history, "perplexity_before": before,
            "validation_perplexity": history.final("validation_perplexity")}


def _build_bilm(sizes: config.Sizes, seed: int, progress: bool) -> dict:
    vocab = course_vocab(sizes.corpus, seed)
    corpus = load_corpus(n_sentences=sizes.corpus.sentences, seed=seed)
    train_texts = corpus["train"]["text"]
    char_vocab = CharVocab.build(train_texts)
    train = [text.split() for text in train_texts]
    validation = [text.split() for text in corpus["validation"]["text"]]
    seed_everything(seed)
    model = bilm.BiLM(_bilm_architecture(len(vocab), len(char_vocab), sizes.bilm))
    history = train_bilm(model, Batcher(vocab, char_vocab, model.config.max_chars), train, validation,
                         epochs=sizes.bilm.epochs, batch_size=sizes.bilm.batch_size, lr=sizes.bilm.lr,
                         weight_decay=sizes.bilm.weight_decay, seed=seed, progress=progress)
    return {"state_dict": cpu_state(model), "vocab": vocab, "char_vocab": char_vocab, "history": history,
            "forward_perplexity": history.final("forward_perplexity"),
            "backward_perplexity": history.final("backward_perplexity")}


def _bilm_architecture(vocab_size: int, char_vocab_size: int, recipe: config.BiLMRecipe) -> bilm.BiLMConfig:
    return bilm.BiLMConfig(vocab_size=vocab_size, char_vocab_size=char_vocab_size, dim=recipe.dim,
                           dropout=recipe.dropout)


def _restore_bilm(stored: dict, sizes: config.Sizes) -> PretrainedBiLM:
    architecture = _bilm_architecture(len(stored["vocab"]), len(stored["char_vocab"]), sizes.bilm)
    return PretrainedBiLM(restored(bilm.BiLM(architecture), stored["state_dict"]), stored["vocab"],
                          stored["char_vocab"], stored["history"], stored["forward_perplexity"],
                          stored["backward_perplexity"])


def _build_glove(sizes: config.Sizes, seed: int, progress: bool) -> dict:
    vocab = course_vocab(sizes.corpus, seed)
    # [:] reads the column at once; iterating a datasets column row by row took longer than the counting.
    texts = load_corpus(n_sentences=sizes.corpus.sentences, seed=seed)["train"]["text"][:]
    started = time.perf_counter()
    counts = cooccurrences(texts, vocab, sizes.glove.window)
    vectors, losses = train_glove(counts, sizes.glove, seed=seed, progress=progress)
    observed = torch.zeros(len(vocab), dtype=torch.bool)
    observed[counts.rows] = True
    return {"vectors": vectors, "vocab": vocab, "observed": observed, "losses": losses,
            "seconds": time.perf_counter() - started}


def _restore_glove(stored: dict, _sizes: config.Sizes) -> GloVe:
    return GloVe(stored["vectors"], stored["vocab"], stored["observed"], stored["losses"], stored["seconds"])


# --- the registry ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    sections: tuple[str, ...]  # the configuration sections (whole dataclasses) the model is built from
    build: Callable[[config.Sizes, int, bool], dict]
    restore: Callable[[dict, config.Sizes], Any]


MODELS: dict[str, _Entry] = {
    "lm:general": _Entry(("corpus", "lm"), _build_lm("general"), _restore_lm("general")),
    "lm:general+reviews": _Entry(("corpus", "lm"), _build_lm("general+reviews"), _restore_lm("general+reviews")),
    "lm:fine-tuned": _Entry(("corpus", "lm", "ulmfit"), _build_fine_tuned_lm, _restore_lm("fine-tuned")),
    "bilm": _Entry(("corpus", "bilm"), _build_bilm, _restore_bilm),
    "glove": _Entry(("corpus", "glove"), _build_glove, _restore_glove),
    "bert": _Entry(("corpus", "bert"), bert_builder(), restore_bert),
    # notebook 06's comparison: two shorter pre-trainings that differ in the masking rule only
    "bert:80-10-10": _Entry(("corpus", "bert"), bert_builder(pairs="comparison_pairs"), restore_bert),
    "bert:mask-only": _Entry(("corpus", "bert"), bert_builder(MaskingRule(mask=1.0, random=0.0), "comparison_pairs"),
                             restore_bert),
}


class UnknownModelError(KeyError):
    """A pre-trained model name that the course does not know."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


def cache_key(name: str, sizes: config.Sizes, seed: int = 0) -> dict[str, Any]:
    """Everything that determines the model: its name, the seed and the whole of each section it is built from."""
    entry = _entry(name)
    if (whole := whole_number(seed)) is None:
        raise TypeError(f"seed must be a whole number, got {type(seed).__name__} {seed!r}")
    return {"model": name, "recipe": RECIPE_VERSION, "world": WORLD_VERSION, "seed": whole,
            **{section: dataclasses.asdict(getattr(sizes, section)) for section in entry.sections}}


def load(name: str, sizes: config.Sizes | None = None, *, seed: int = 0, progress: bool = True,
         refresh: bool = False) -> Any:
    """The pre-trained model ``name``, on the run's device in eval mode: from the cache, or trained now (and cached).

    ``sizes`` defaults to the run mode's; ``refresh=True`` trains again even when a cached model exists. A cached
    model that cannot be restored (a damaged entry) is trained again, with a :class:`ptlib.cache.CacheWarning`.
    """
    entry = _entry(name)
    sizes = config.sizes() if sizes is None else sizes
    if not isinstance(sizes, config.Sizes):
        raise TypeError(f"sizes must be a ptlib.config.Sizes, e.g. config.sizes('quick'), got {type(sizes).__name__}")
    key, built = cache_key(name, sizes, seed), False
    seed = key["seed"]  # a plain int (np.int64 is not a seed to Python's random)

    def build() -> dict:
        nonlocal built
        built = True
        return entry.build(sizes, seed, progress)

    file_name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    stored = cache.cached(file_name, key, build, refresh=refresh)
    try:
        return entry.restore(stored, sizes)
    except Exception as error:  # a damaged entry fails in many ways; one trained just now is a bug: raise that
        if built:
            raise
        warnings.warn(f"the cached {name!r} could not be restored ({error.__class__.__name__}: {error}); training it "
                      "again", cache.CacheWarning, stacklevel=2)
        return entry.restore(cache.cached(file_name, key, build, refresh=True), sizes)


def load_glove_text(path: str | os.PathLike, vocab: Vocab | None = None, *, member: str | None = None,
                    encoding: str = "utf-8") -> GloVe:
    """Published GloVe vectors read from their text file (plain, gzipped or the zip as downloaded), as a
    :class:`GloVe` (``losses`` empty): see :func:`ptlib.data.vectors.read_vectors` for the arguments."""
    started = time.perf_counter()
    vocab, vectors, observed = read_vectors(path, vocab, member=member, encoding=encoding)
    return GloVe(vectors, vocab, observed, [], time.perf_counter() - started)


def _entry(name: str) -> _Entry:
    if isinstance(name, str) and name in MODELS:
        return MODELS[name]
    close = difflib.get_close_matches(str(name), list(MODELS), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownModelError(f"no pre-trained model {name!r}.{hint} The models are: {', '.join(MODELS)}.")
