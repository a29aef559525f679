"""What notebook 07 (pre-training and fine-tuning a small BERT) calls: the registry's BERT, fine-tuning it or the same
architecture from scratch on each task, and the results in the shape of the GLUE table."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from tokenizers import Tokenizer
from tqdm.auto import tqdm

from ..analysis.facts import facts_by_mentions
from ..analysis.lm_queries import choose, prefers, sentence_logprobs
from ..analysis.metrics import GLUE_METRIC, majority_rate, task_scores
from ..analysis.mlm_probes import agreement_accuracy, cloze_choices, pseudo_log_likelihoods
from ..analysis.task_knowledge import (
    acceptability_reader,
    claim_values,
    corpus_counts,
    entailment_reader,
    linking_facts,
    number_swaps,
    number_twins,
    swapped_words,
    threshold_reader,
    word_cosines,
)
from ..config import BertFineTuning, sizes
from ..data import load_corpus, load_probe, load_task
from ..data.microworld.world import World, build_world
from ..data.wordpiece import encode_dataset
from ..models import count_parameters
from ..models.bert import BertConfig, BertForPreTraining
from ..pretrained import PretrainedBiLM, PretrainedLM
from ..pretrained import load as load_pretrained
from ..train.bert import classifier_from, classifier_predictions, fine_tune_bert
from .elmo import elmo_examples
from .elmo import run_task as run_elmo_task
from .published import BERT_GLUE, BERT_GLUE_COLUMNS, BERT_PRETRAINING, BERT_SOURCE

METHODS = {"from scratch": False, "BERT, fine-tuned": True}  # method -> starts from the pre-trained encoder
ELMO_METHOD = "ELMo features (frozen biLM)"
COLUMNS = ["input_ids", "token_type_ids", "attention_mask", "label"]


def encoded_task(tokenizer: Tokenizer, task: str, n_labels: int, max_length: int) -> dict[str, list[dict]]:
    """The task's training (``n_labels`` rows) and test rows, encoded with WordPiece (pairs with segments A, B)."""
    encoded = encode_dataset(load_task(task, train_size=n_labels), tokenizer, max_length)
    return {split: encoded[split].select_columns(COLUMNS).to_list() for split in ("train", "test")}


def run_bert_task(pretrained: BertForPreTraining | None, config: BertConfig, data: dict[str, list[dict]], task: str,
                  recipe: BertFineTuning, seed: int = 0) -> dict[str, float]:
    """Fine-tune a classifier (from ``pretrained``, or from scratch when None) on ``data['train']`` for the recipe's
    steps, and score it on ``data['test']``: accuracy, the task's GLUE metric where it has one, the accuracy on its
    own training rows (how well it fitted them) and seconds."""
    model = classifier_from(pretrained, config, 2, seed=seed, pooling=recipe.pooling)
    epochs = max(1, round(recipe.steps * recipe.batch_size / len(data["train"])))
    started = time.perf_counter()
    fine_tune_bert(model, data["train"], epochs=epochs, batch_size=recipe.batch_size, lr=recipe.lr, seed=seed)
    seconds = time.perf_counter() - started
    labels = [row["label"] for row in data["test"]]
    fitted = task_scores(task, classifier_predictions(model, data["train"]), [row["label"] for row in data["train"]])
    return {**task_scores(task, classifier_predictions(model, data["test"]), labels),
            "train accuracy": fitted["accuracy"], "seconds": seconds}


LSTM_METHOD = "LSTM LM (notebook 02)"


def probe_comparison(bert: BertForPreTraining, tokenizer: Tokenizer, lm: PretrainedLM,
                     n_agreement: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Notebook 02's two probes, answered by the BERT and by notebook 02's LSTM LM on the same items.

    Agreement (``n_agreement`` items): the LSTM compares the two verb forms after the prefix, the BERT the pseudo-log-
    likelihoods of the two sentences. Facts (every fact, in its held-out wording, with its mentions in the corpus):
    the LSTM picks the likeliest next word after the prompt, the BERT fills the gap with each candidate's pieces,
    seeing the rest of the sentence too. Returns (agreement, facts), one row per item, one column per model
    (True where it is right); agreement items keep their ``interveners`` and ``verb_pieces`` (the BERT's pieces of
    the longer verb form)."""
    items = load_probe("agreement", n_items=n_agreement)
    agreement = agreement_accuracy(bert, tokenizer, items)[["interveners", "verb_pieces", "correct"]].rename(
        columns={"correct": "BERT"})
    agreement[LSTM_METHOD] = prefers(lm.model, lm.vocab, items["prefix"], items["good"], items["bad"]).numpy()
    facts = load_probe("facts", load_corpus()["train"]).to_pandas()
    continuations = [text[len(prompt) + 1 + len(answer):].strip()
                     for text, prompt, answer in zip(facts["text"], facts["prompt"], facts["answer"])]
    bert_picks = cloze_choices(bert, tokenizer, facts["prompt"], continuations, facts["candidates"])
    lstm_picks = choose(lm.model, lm.vocab, facts["prompt"], facts["candidates"])
    facts = facts[["relation", "entity", "mentions", "answer", "candidates"]].assign(
        BERT=[pick == answer for pick, answer in zip(bert_picks, facts["answer"])],
        **{LSTM_METHOD: [pick == answer for pick, answer in zip(lstm_picks, facts["answer"])]},
        chance=1 / facts["candidates"].apply(len), **{"BERT answer": bert_picks, f"{LSTM_METHOD} answer": lstm_picks})
    return agreement, facts


def task_knowledge(bert: BertForPreTraining, tokenizer: Tokenizer, lm: PretrainedLM, facts: pd.DataFrame,
                   n_labels: int, world: World | None = None) -> pd.DataFrame:
    """Whether the knowledge each of three tasks needs is in the pre-trained models, read without fine-tuning
    (:mod:`ptlib.analysis.task_knowledge`), on the tasks' test sets.

    ``facts`` is :func:`probe_comparison`'s table (each model's answer to every fact). One row per reader:
    acceptability read through each model's score of the sentence against its verb-number swaps (the LSTM's
    log-probability, the BERT's pseudo-log-likelihood); entailment through each model's answer to the linking fact;
    paraphrase through the cosine of the BERT's input vectors of the two swapped words (one threshold fitted on the
    ``n_labels`` training pairs). Columns: the reader's test ``accuracy``, the ``majority`` rate, ``knowledge held``
    (entailment: test pairs whose linking fact the model answers right; paraphrase: pairs whose two words are both
    single word pieces) and ``median mentions`` (of the linking fact; of the rarer of the two words in the corpus).
    """
    world = world or build_world()
    return pd.DataFrame([*_acceptability_readers(bert, tokenizer, lm, world, n_labels),
                         *_entailment_readers(facts, world, n_labels), _paraphrase_reader(bert, tokenizer, n_labels)])


def _acceptability_readers(bert: BertForPreTraining, tokenizer: Tokenizer, lm: PretrainedLM, world: World,
                           n_labels: int) -> list[dict]:
    test = load_task("acceptability", train_size=n_labels)["test"]
    twins = number_twins(world)
    swaps = [number_swaps(text, twins) for text in test["text"]]
    scorers = {"BERT": lambda texts: pseudo_log_likelihoods(bert, tokenizer, texts),
               LSTM_METHOD: lambda texts: sentence_logprobs(lm.model, lm.vocab, texts).tolist()}
    rows = []
    for model, score in scorers.items():
        swap_scores = iter(score([swap for sentence in swaps for swap in sentence]))
        predictions = acceptability_reader(score(list(test["text"])),
                                           [[next(swap_scores) for _ in sentence] for sentence in swaps])
        rows.append({"task": "acceptability", "reader": f"{model}: verb-number swaps",
                     "accuracy": float(np.mean(predictions == np.array(test["label"]))),
                     "majority": majority_rate(test["label"])})
    return rows


def _entailment_readers(facts: pd.DataFrame, world: World, n_labels: int) -> list[dict]:
    test = load_task("entailment", train_size=n_labels)["test"]
    linked = facts.set_index(["relation", "entity"]).loc[linking_facts(world, test["relation"], test["entity"])]
    claimed = claim_values(test["text_pair"], linked["candidates"])
    return [{"task": "entailment", "reader": f"{model}: linking-fact cloze",
             "accuracy": float(np.mean(np.array(entailment_reader(linked[f"{model} answer"], claimed))
                                       == np.array(test["label"]))),
             "knowledge held": float(linked[model].mean()), "median mentions": float(linked["mentions"].median()),
             "majority": majority_rate(test["label"])} for model in ("BERT", LSTM_METHOD)]


def _paraphrase_reader(bert: BertForPreTraining, tokenizer: Tokenizer, n_labels: int) -> dict:
    splits = load_task("paraphrase", train_size=n_labels)
    embeddings = bert.bert.embeddings.word_embeddings.weight
    swapped = {split: [swapped_words(a, b) for a, b in zip(splits[split]["text"], splits[split]["text_pair"])]
               for split in ("train", "test")}
    train_cosines, _ = word_cosines(embeddings, tokenizer, swapped["train"])
    test_cosines, whole = word_cosines(embeddings, tokenizer, swapped["test"])
    predictions = threshold_reader(train_cosines, splits["train"]["label"], test_cosines)
    counts = Counter(word for text in load_corpus()["train"]["text"] for word in text.split())
    rarer = np.minimum(corpus_counts([a for a, _ in swapped["test"]], counts),
                       corpus_counts([b for _, b in swapped["test"]], counts))
    return {"task": "paraphrase", "reader": "BERT: cosine of input vectors",
            "accuracy": float(np.mean(predictions == np.array(splits["test"]["label"]))),
            "knowledge held": float(whole.mean()), "median mentions": float(np.median(rarer)),
            "majority": majority_rate(splits["test"]["label"])}


def pooling_comparison(pretrained: BertForPreTraining, tokenizer: Tokenizer, task: str, n_labels: int,
                       recipe: BertFineTuning, seed: int = 0) -> pd.DataFrame:
    """The fine-tuned BERT with the pooled [CLS] vector (the paper's choice) against the mean of the top states."""
    data = encoded_task(tokenizer, task, n_labels, pretrained.config.max_positions)
    return pd.DataFrame({pooling: run_bert_task(pretrained, pretrained.config, data, task,
                                                dataclasses.replace(recipe, pooling=pooling), seed)
                         for pooling in ("cls", "mean")}).T


def transfer_results(pretrained: BertForPreTraining, tokenizer: Tokenizer, tasks: Sequence[str], n_labels: int,
                     seeds: int, recipe: BertFineTuning, progress: bool = True) -> pd.DataFrame:
    """One row per (task, method, seed): from scratch and fine-tuned from ``pretrained``, with the same recipe."""
    config = pretrained.config
    runs = [(task, method, seed) for task in tasks for method in METHODS for seed in range(seeds)]
    rows, data = [], {}
    for task, method, seed in tqdm(runs, desc="fine-tuning", disable=not progress):
        if task not in data:
            data[task] = encoded_task(tokenizer, task, n_labels, config.max_positions)
        scores = run_bert_task(pretrained if METHODS[method] else None, config, data[task], task, recipe, seed)
        rows.append({"task": task, "method": method, "seed": seed, **scores})
    majority = {task: majority_rate([row["label"] for row in data[task]["test"]]) for task in tasks}
    return pd.DataFrame(rows).assign(majority=lambda frame: frame["task"].map(majority))


def elmo_results(bilm: PretrainedBiLM, tasks: Sequence[str], n_labels: int, seeds: int,
                 progress: bool = True) -> pd.DataFrame:
    """Notebook 04's feature-based ELMo on the same tasks, labels and test sets: a task model reading word vectors
    and the frozen biLM's scalar mix, with notebook 04's recipe. Rows as :func:`transfer_results` gives them."""
    rows = []
    for task in tqdm(tasks, desc="ELMo features", disable=not progress):
        splits = load_task(task, train_size=n_labels)
        train, test = elmo_examples(bilm, splits["train"]), elmo_examples(bilm, splits["test"])
        majority = majority_rate(splits["test"]["label"])
        for seed in range(seeds):
            result = run_elmo_task(bilm, train, test, inputs="embedding+elmo", seed=seed, task=task)
            rows.append({"task": task, "method": ELMO_METHOD, "seed": seed, "majority": majority,
                         **{key: value for key, value in result.items() if key not in ("weights", "gamma")}})
    return pd.DataFrame(rows)


def glue_shaped(results: pd.DataFrame, score: str = "accuracy") -> pd.DataFrame:
    """Methods as rows and tasks as columns (mean ± standard deviation over seeds), an average column, and the
    majority-class rate as the first row, like the GLUE table."""
    tasks = list(dict.fromkeys(results["task"]))
    grouped = results.groupby(["method", "task"], sort=False)[score]
    means, spreads = grouped.mean().unstack()[tasks], grouped.std(ddof=0).unstack()[tasks]
    table = means.map(lambda value: f"{value:.3f}") + " ± " + spreads.map(lambda value: f"{value:.3f}")
    table["Average"] = means.mean(axis=1).map(lambda value: f"{value:.3f}")
    majority = results.groupby("task", sort=False)["majority"].first()[tasks]
    first = pd.DataFrame([[*(f"{value:.3f}" for value in majority), f"{majority.mean():.3f}"]],
                         columns=table.columns, index=["majority class"])
    return pd.concat([first, table.loc[_in_order(results)]])


def _in_order(results: pd.DataFrame) -> list[str]:
    """The methods of ``results`` as the lecture orders them: from scratch, ELMo, BERT (others after)."""
    found = list(dict.fromkeys(results["method"]))
    order = [method for method in ("from scratch", ELMO_METHOD, "BERT, fine-tuned") if method in found]
    return order + [method for method in found if method not in order]


def seed_spread(results: pd.DataFrame, score: str = "accuracy") -> pd.DataFrame:
    """Per task: each method's mean minus the from-scratch mean ("gain of ..."), and each method's range over
    seeds."""
    grouped = results.groupby(["task", "method"], sort=False)[score]
    means, lows, highs = grouped.mean().unstack(), grouped.min().unstack(), grouped.max().unstack()
    methods = _in_order(results)
    gains = {f"gain of {m}": means[m] - means["from scratch"] for m in methods if m != "from scratch"}
    ranges = {f"{m} range": lows[m].map("{:.3f}".format) + "–" + highs[m].map("{:.3f}".format) for m in methods}
    return pd.DataFrame({**gains, **ranges})


def published_glue() -> pd.DataFrame:
    """The paper's GLUE test results (as on the lecture's slide)."""
    return pd.DataFrame.from_dict(BERT_GLUE, orient="index", columns=list(BERT_GLUE_COLUMNS))


__all__ = ["BERT_PRETRAINING", "BERT_SOURCE", "ELMO_METHOD", "GLUE_METRIC", "LSTM_METHOD", "agreement_accuracy",
           "count_parameters", "elmo_results", "facts_by_mentions", "glue_shaped", "load_pretrained", "load_probe",
           "pooling_comparison", "probe_comparison", "published_glue", "run_bert_task", "seed_spread", "sizes",
           "transfer_results"]
