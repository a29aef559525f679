"""The course's small BERT for the registry (:func:`ptlib.pretrained.load`): pre-trained with MLM + NSP on sentence
pairs of the micro-world's documents, and stored with the WordPiece tokeniser it was trained with."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from datasets import Dataset, concatenate_datasets
from tokenizers import Tokenizer

from . import config
from .data import load_corpus
from .data.masking import BERT_MASKING, MaskingRule
from .data.microworld.nsp import next_sentence_pairs, text_documents
from .data.unlabelled import review_texts
from .data.wordpiece import encode_dataset, train_wordpiece
from .models import bert
from .runtime import cpu_state, restored, seed_everything
from .train.bert import pretrain_bert
from .train.loop import History


@dataclass
class PretrainedBERT:
    """A pre-trained BERT (both pre-training heads) with its WordPiece tokeniser and held-out accuracies."""

    model: bert.BertForPreTraining
    tokenizer: Tokenizer
    history: History
    mlm_accuracy: float
    nsp_accuracy: float


def bert_architecture(vocab_size: int, recipe: config.BertRecipe) -> bert.BertConfig:
    if recipe.long_max_length < recipe.max_length:
        raise ValueError(f"bert.long_max_length ({recipe.long_max_length}) must be at least bert.max_length "
                         f"({recipe.max_length}): the last phase has the longer sequences")
    return bert.BertConfig(vocab_size=vocab_size, hidden=recipe.hidden, layers=recipe.layers, heads=recipe.heads,
                           intermediate=recipe.intermediate, max_positions=recipe.long_max_length,
                           dropout=recipe.dropout, attention_dropout=recipe.dropout)


def bert_builder(rule: MaskingRule = BERT_MASKING, pairs: str = "pairs") -> Callable[[config.Sizes, int, bool], dict]:
    """The build function of a registry BERT pre-trained with masking ``rule`` (the paper's 80/10/10 by default) on
    as many pairs as the recipe's field ``pairs`` says."""
    def build(sizes: config.Sizes, seed: int, progress: bool) -> dict:
        recipe = dataclasses.replace(sizes.bert, pairs=getattr(sizes.bert, pairs))
        documents = pretraining_documents(sizes, seed)
        tokenizer = train_wordpiece(documents["train"]["text"][:], vocab_size=recipe.wordpiece_vocab)
        architecture = bert_architecture(tokenizer.get_vocab_size(), recipe)
        splits = {split: pretraining_pairs(documents[split], tokenizer, n, recipe.max_length, seed)
                  for split, n in (("train", recipe.pairs), ("validation", validation_pairs(recipe)))}
        long_pairs = round(recipe.long_share * recipe.pairs)
        longer = {split: pretraining_pairs(documents[split], tokenizer, n, recipe.long_max_length, seed,
                                           recipe.long_span)
                  for split, n in (("train", long_pairs), ("validation", validation_pairs(recipe)))
                  } if long_pairs else {"train": [], "validation": None}
        seed_everything(seed)
        model = bert.BertForPreTraining(architecture)
        history = pretrain_bert(model, splits["train"], splits["validation"], longer=longer["train"],
                                longer_validation=longer["validation"], boundary=recipe.max_length,
                                epochs=recipe.epochs, batch_size=recipe.batch_size, lr=recipe.lr, rule=rule,
                                seed=seed, progress=progress)
        return {"state_dict": cpu_state(model), "tokenizer": tokenizer.to_str(), "history": history,
                "mlm_accuracy": history.final("mlm_accuracy"), "nsp_accuracy": history.final("nsp_accuracy")}

    return build


def pretraining_documents(sizes: config.Sizes, seed: int) -> dict[str, Dataset]:
    """The sentences BERT pre-trains on, with their documents (``text``, ``doc_id``): the general corpus, plus
    unlabelled reviews (held-out ones from another seed) when the recipe's text is "general+reviews"."""
    corpus = load_corpus(n_sentences=sizes.corpus.sentences, seed=seed)
    splits = {split: corpus[split].select_columns(["text", "doc_id"]) for split in ("train", "validation")}
    if sizes.bert.text == "general":
        return splits
    if sizes.bert.text != "general+reviews":
        raise ValueError(f"unknown BERT pre-training text {sizes.bert.text!r}; choose general or general+reviews")
    first_id = max(max(splits[split]["doc_id"]) for split in splits) + 1
    train, held_out = review_texts(sizes.corpus, seed)
    reviews = {"train": text_documents(train, first_id), "validation": text_documents(held_out, first_id + len(train))}
    return {split: concatenate_datasets([splits[split].cast(reviews[split].features), reviews[split]])
            for split in splits}


def validation_pairs(recipe: config.BertRecipe) -> int:
    return max(recipe.pairs // 10, 100)


def pretraining_pairs(split: Dataset, tokenizer: Tokenizer, n_pairs: int, max_length: int, seed: int,
                      span: int = 1) -> list[dict]:
    """``n_pairs`` NSP pairs of a corpus split (segments of up to ``span`` sentences), encoded: the rows
    :func:`pretrain_bert` reads."""
    return (encode_dataset(next_sentence_pairs(split, n_pairs, seed=seed, span=span), tokenizer, max_length)
            .select_columns(["input_ids", "token_type_ids", "attention_mask", "label"]).to_list())


def restore_bert(stored: dict, sizes: config.Sizes) -> PretrainedBERT:
    tokenizer = Tokenizer.from_str(stored["tokenizer"])
    model = restored(bert.BertForPreTraining(bert_architecture(tokenizer.get_vocab_size(), sizes.bert)),
                       stored["state_dict"])
    return PretrainedBERT(model, tokenizer, stored["history"], stored["mlm_accuracy"], stored["nsp_accuracy"])
