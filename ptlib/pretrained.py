"""The course's pre-trained language models, trained once and cached for every later notebook.

- ``"general"``: the general-domain micro-world corpus only (ULMFiT's stage 1; notebook 02's probes);
- ``"general+reviews"``: all the unlabelled text there is, general corpus plus unlabelled reviews
  (notebook 01's shared encoder).

Both use one vocabulary, built from all the unlabelled text, so that a model fine-tuned on reviews or a
classifier built on either encoder speaks the same ids. The cache key is the full configuration
(corpus size, model and training settings, seed), so a change to any of them trains a fresh model.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import cache, config, data
from .awd_lstm import AWDLSTMLanguageModel, LMConfig
from .language_model import perplexity, steps_per_epoch, token_stream, train_language_model
from .runtime import device, seed_everything
from .training import History
from .ulmfit import fine_tune_language_model
from .vocab import Vocab

PRETRAINING_TEXTS = ("general", "general+reviews")
CACHE_NAME = "pretrained-lm"
VOCAB_MIN_COUNT = 2
# Bump to retrain every cached model after a change that the configuration does not capture.
RECIPE_VERSION = 3


@dataclass
class PretrainedLM:
    model: AWDLSTMLanguageModel
    vocab: Vocab
    history: History
    validation_perplexity: float
    text: str


def unlabelled_texts(text: str, sizes: config.Sizes, seed: int = 0) -> tuple[list[str], list[str]]:
    """(training texts, validation texts) for a pre-training text name."""
    if text not in PRETRAINING_TEXTS:
        raise ValueError(f"unknown pre-training text {text!r}; choose one of {', '.join(PRETRAINING_TEXTS)}")
    corpus = data.load_corpus(n_sentences=sizes.corpus_sentences, seed=seed)
    train, validation = list(corpus["train"]["text"]), list(corpus["validation"]["text"])
    if text == "general+reviews":
        train += data.load_unlabelled_reviews(sizes.reviews_unlabelled, seed=seed)["text"]
    return train, validation


def shared_vocab(sizes: config.Sizes | None = None, seed: int = 0) -> Vocab:
    """The one vocabulary of the recurrent models: every word seen at least twice in the unlabelled text."""
    sizes = sizes or config.sizes()
    texts, _ = unlabelled_texts("general+reviews", sizes, seed)
    return Vocab.build(texts, min_count=VOCAB_MIN_COUNT)


# AWD-LSTM's dropouts regularise models trained for many epochs on big corpora. Ours sees about a million
# tokens three times and under-fits: there, every dropout only slowed learning (benchmarks/lm_claims.py),
# so the course's pre-trained models switch them off. Notebook 03 studies them on their own.
NO_DROPOUT = {"embedding_dropout": 0.0, "input_dropout": 0.0, "hidden_dropout": 0.0, "weight_dropout": 0.0,
              "output_dropout": 0.0}


def lm_config(vocab: Vocab, sizes: config.Sizes) -> LMConfig:
    return LMConfig(vocab_size=len(vocab), embedding=sizes.lm_embedding, hidden=sizes.lm_hidden,
                    layers=sizes.lm_layers, **NO_DROPOUT)


def recipe(text: str, sizes: config.Sizes, seed: int) -> dict:
    """Everything that determines the trained model: the cache key."""
    return {"recipe": RECIPE_VERSION, "text": text, "seed": seed, "corpus_sentences": sizes.corpus_sentences,
            "reviews_unlabelled": sizes.reviews_unlabelled, "embedding": sizes.lm_embedding,
            "hidden": sizes.lm_hidden, "layers": sizes.lm_layers, "epochs": sizes.lm_epochs,
            "batch_size": sizes.lm_batch_size, "bptt": sizes.lm_bptt, "lr": sizes.lm_lr}


def pretrained_lm(text: str = "general", *, sizes: config.Sizes | None = None, seed: int = 0,
                  progress: bool = True, refresh: bool = False) -> PretrainedLM:
    """The pre-trained LM for ``text``: from the cache, or trained now (and cached)."""
    sizes = sizes or config.sizes()

    def build() -> dict:
        vocab = shared_vocab(sizes, seed)
        train_texts, validation_texts = unlabelled_texts(text, sizes, seed)
        train, validation = token_stream(train_texts, vocab), token_stream(validation_texts, vocab)
        seed_everything(seed)
        model = AWDLSTMLanguageModel(lm_config(vocab, sizes))
        optimizer = torch.optim.Adam(model.parameters(), lr=sizes.lm_lr)
        # A linear decay to 5% of the peak rate: a constant rate left the final model wherever its last
        # noisy steps put it (agreement accuracy swung between runs); decaying settles it.
        total = steps_per_epoch(train.numel(), sizes.lm_batch_size, sizes.lm_bptt) * sizes.lm_epochs
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.05, 1 - step / total))
        history = train_language_model(model, train, validation, epochs=sizes.lm_epochs,
                                       batch_size=sizes.lm_batch_size, bptt=sizes.lm_bptt, optimizer=optimizer,
                                       scheduler=schedule, seed=seed, progress=progress,
                                       desc=f"pre-training on {text} text")
        state = {key: value.cpu() for key, value in model.state_dict().items()}
        return {"state_dict": state, "vocab": vocab, "history": history,
                "validation_perplexity": history.final("validation_perplexity")}

    stored = cache.cached(CACHE_NAME, recipe(text, sizes, seed), build, refresh=refresh)
    vocab = stored["vocab"]
    model = AWDLSTMLanguageModel(lm_config(vocab, sizes))
    model.load_state_dict(stored["state_dict"])
    model.to(device()).eval()
    return PretrainedLM(model, vocab, stored["history"], stored["validation_perplexity"], text)



@dataclass
class FineTunedLM:
    """ULMFiT's stage 2: the general LM after fine-tuning on the target domain's unlabelled text."""

    model: AWDLSTMLanguageModel
    vocab: Vocab
    history: History
    perplexity_before: float  # of the general LM, on held-out reviews
    perplexity_after: float


def review_texts(sizes: config.Sizes, seed: int = 0) -> tuple[list[str], list[str]]:
    """(training, held-out) unlabelled reviews for stage 2; the held-out ones are drawn with another seed."""
    train = data.load_unlabelled_reviews(sizes.reviews_unlabelled, seed=seed)["text"]
    held_out = data.load_unlabelled_reviews(max(100, sizes.reviews_unlabelled // 10), seed=seed + 1)["text"]
    return list(train), list(held_out)


def fine_tuned_lm(*, sizes: config.Sizes | None = None, seed: int = 0, discriminative: bool = True,
                  slanted: bool = True, progress: bool = True, refresh: bool = False) -> FineTunedLM:
    """The ``"general"`` LM fine-tuned on unlabelled reviews: from the cache, or fine-tuned now (and cached)."""
    sizes = sizes or config.sizes()
    general = pretrained_lm("general", sizes=sizes, seed=seed, progress=progress)

    def build() -> dict:
        model = general.model
        train, held_out = (token_stream(texts, general.vocab) for texts in review_texts(sizes, seed))
        before = perplexity(model, held_out)
        seed_everything(seed)
        history = fine_tune_language_model(model, train, held_out, epochs=sizes.lm_finetune_epochs,
                                           batch_size=sizes.lm_batch_size, bptt=sizes.lm_bptt,
                                           discriminative=discriminative, slanted=slanted, seed=seed,
                                           progress=progress)
        return {"state_dict": {key: value.cpu() for key, value in model.state_dict().items()}, "history": history,
                "perplexity_before": before, "perplexity_after": history.final("validation_perplexity")}

    key = {**recipe("general", sizes, seed), "finetune_epochs": sizes.lm_finetune_epochs,
           "discriminative": discriminative, "slanted": slanted}
    stored = cache.cached("fine-tuned-lm", key, build, refresh=refresh)
    model = AWDLSTMLanguageModel(lm_config(general.vocab, sizes))
    model.load_state_dict(stored["state_dict"])
    model.to(device()).eval()
    return FineTunedLM(model, general.vocab, stored["history"], stored["perplexity_before"],
                       stored["perplexity_after"])
