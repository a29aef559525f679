"""The pre-trained registry: each model is trained once, read back identical, and keyed by its whole configuration."""

import dataclasses

import pytest
import torch

from ptlib import config, pretrained, pretrained_bert
from ptlib.analysis.features import contextual_embedder
from ptlib.data import course_vocab, unlabelled_texts
from ptlib.data.unlabelled import review_texts as unlabelled_review_texts
from ptlib.data.vocab import CLS_ID, SEP_ID, SPECIAL_TOKENS
from ptlib.models.bert import BertForPreTraining

TINY = config.sizes("quick", corpus={"sentences": 400, "reviews_unlabelled": 40},
                    lm={"embedding": 8, "hidden": 8, "epochs": 1, "batch_size": 4, "bptt": 8},
                    bilm={"dim": 8, "epochs": 1, "batch_size": 32},
                    glove={"dim": 8, "epochs": 3, "batch_size": 256},
                    bert={"wordpiece_vocab": 300, "hidden": 16, "heads": 2, "intermediate": 32, "pairs": 600,
                          "comparison_pairs": 300})


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.equal(value.cpu(), b.state_dict()[key].cpu()) for key, value in a.state_dict().items())


def test_a_language_model_is_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = pretrained.load("lm:general", TINY, progress=False)
    assert len(list(tmp_path.glob("lm_general-*.pt"))) == 1
    monkeypatch.setattr(pretrained, "train_language_model", lambda *a, **k: pytest.fail("retrained"))
    again = pretrained.load("lm:general", TINY, progress=False)
    assert again.vocab == first.vocab and again.validation_perplexity == first.validation_perplexity
    assert _same_weights(first.model, again.model) and not again.model.training
    assert first.history.final("validation_perplexity") == first.validation_perplexity


def test_the_cache_key_holds_every_field_of_every_section_the_model_is_built_from():
    for name, entry in pretrained.MODELS.items():
        key = pretrained.cache_key(name, TINY)
        for section in entry.sections:
            for field in dataclasses.fields(getattr(TINY, section)):
                value = getattr(getattr(TINY, section), field.name)
                if isinstance(value, str):  # a name: another of its choices
                    other = next(c for c in config.CHOICES[f"{section}.{field.name}"] if c != value)
                else:
                    other = tuple(v * 2 + 1 for v in value) if isinstance(value, tuple) else value * 2 + 1
                changed = TINY.override(**{section: {field.name: other}})
                assert pretrained.cache_key(name, changed) != key, f"{name} ignores {section}.{field.name}"
        assert pretrained.cache_key(name, TINY, seed=1) != key
        with pytest.MonkeyPatch.context() as patch:  # a model of another world's text is never reused
            patch.setattr(pretrained, "WORLD_VERSION", pretrained.WORLD_VERSION + 1)
            assert pretrained.cache_key(name, TINY) != key
    # a section the model is not built from does not retrain it
    assert pretrained.cache_key("bilm", TINY) == pretrained.cache_key("bilm", TINY.override(tasks={"seeds": 9}))


def test_both_texts_share_one_vocabulary_and_unknown_names_are_refused():
    general, _ = unlabelled_texts("general", TINY.corpus)
    everything, _ = unlabelled_texts("general+reviews", TINY.corpus)
    assert len(everything) == len(general) + TINY.corpus.reviews_unlabelled
    assert "film" in course_vocab(TINY.corpus)  # review words are in the one vocabulary
    with pytest.raises(ValueError, match="unknown pre-training text"):
        unlabelled_texts("wikipedia", TINY.corpus)
    with pytest.raises(pretrained.UnknownModelError, match="Did you mean 'glove'"):
        pretrained.load("glvoe", TINY)


def test_the_fine_tuned_lm_adapts_to_reviews_and_leaves_the_general_lm_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    tuned = pretrained.load("lm:fine-tuned", TINY, progress=False)
    # words the general text never shows make reviews very surprising until stage 2
    assert tuned.validation_perplexity < 0.9 * tuned.perplexity_before
    general = pretrained.load("lm:general", TINY, progress=False)
    softmax_weights = [dict(m.decoder.named_parameters()) for m in (general.model, tuned.model)]
    assert softmax_weights[0] and all(not torch.equal(softmax_weights[0][name], tuned_weight)
                                      for name, tuned_weight in softmax_weights[1].items())
    again = pretrained.load("lm:fine-tuned", TINY, progress=False)
    assert again.validation_perplexity == tuned.validation_perplexity and _same_weights(tuned.model, again.model)
    slower = pretrained.load("lm:fine-tuned", TINY.override(ulmfit={"finetune_lr": 1e-3}), progress=False)
    assert slower.validation_perplexity != tuned.validation_perplexity  # another recipe: trained, not read back


def test_the_bilm_is_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = pretrained.load("bilm", TINY, progress=False)
    assert first.forward_perplexity > 1 and first.backward_perplexity > 1
    assert first.history.final("forward_perplexity") == first.forward_perplexity
    monkeypatch.setattr(pretrained, "train_bilm", lambda *a, **k: pytest.fail("retrained"))
    again = pretrained.load("bilm", TINY, progress=False)
    assert again.vocab == first.vocab and again.char_vocab == first.char_vocab
    assert _same_weights(first.model, again.model) and not again.model.training and again.dim == 16
    assert contextual_embedder(again, 2)(["the film was superb ."])[0].shape == (5, 16)


def test_glove_is_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = pretrained.load("glove", TINY, progress=False)
    assert first.vectors.shape == (len(first.vocab), TINY.glove.dim) and len(first.losses) == TINY.glove.epochs
    assert first.observed[first.vocab.token_to_id("the")] and not first.observed[: len(SPECIAL_TOKENS)].any()
    monkeypatch.setattr(pretrained, "train_glove", lambda *a, **k: pytest.fail("retrained"))
    again = pretrained.load("glove", TINY, progress=False)
    assert torch.equal(again.vectors, first.vectors) and again.vocab == first.vocab


@pytest.mark.parametrize("name", ["lm:general", "lm:general+reviews"])
def test_each_language_model_is_trained_on_its_own_text(monkeypatch, name):
    from ptlib.data.microworld import general_corpus, unlabelled_reviews

    class Stop(Exception):
        pass

    def capture(model, train, validation, **kwargs):
        raise Stop(train, validation)

    monkeypatch.setattr(pretrained, "train_language_model", capture)
    with pytest.raises(Stop) as stopped:
        pretrained.MODELS[name].build(TINY, 0, False)
    train, validation = stopped.value.args
    # the texts straight from the generators: the general corpus, and for general+reviews the unlabelled reviews too
    # (spread between the documents: tested in test_microworld), each text whole
    corpus = general_corpus(TINY.corpus.sentences, seed=0)
    texts = list(corpus["train"]["text"])
    if name == "lm:general+reviews":
        texts += list(unlabelled_reviews(TINY.corpus.reviews_unlabelled, seed=0)["text"])
    vocab = course_vocab(TINY.corpus)
    assert sorted(train.tolist()) == sorted(i for text in texts for i in vocab.encode(text))
    if name == "lm:general":
        assert train.tolist() == [i for text in texts for i in vocab.encode(text)]
    assert validation.tolist() == [i for text in corpus["validation"]["text"] for i in vocab.encode(text)]


def test_bert_is_pretrained_with_its_tokeniser_and_read_back_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = pretrained.load("bert", TINY, progress=False)
    assert isinstance(first.model, BertForPreTraining) and not first.model.training
    assert first.tokenizer.get_vocab_size() <= 300 and first.model.config.vocab_size == first.tokenizer.get_vocab_size()
    evaluation = first.history.evaluations[-1]
    assert (first.mlm_accuracy, first.nsp_accuracy) == (evaluation["mlm_accuracy"], evaluation["nsp_accuracy"])
    monkeypatch.setattr(pretrained_bert, "pretrain_bert", lambda *a, **k: pytest.fail("retrained"))
    again = pretrained.load("bert", TINY, progress=False)
    assert _same_weights(first.model, again.model) and again.tokenizer.to_str() == first.tokenizer.to_str()
    ids = again.tokenizer.encode("the river", "a bank").ids
    assert ids[0] == CLS_ID and ids.count(SEP_ID) == 2


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("name", "rule", "pairs"), [("bert", (0.8, 0.1), 600), ("bert:80-10-10", (0.8, 0.1), 300),
                                                    ("bert:mask-only", (1.0, 0.0), 300)])
def test_each_registry_bert_is_pretrained_with_its_masking_rule_and_budget(monkeypatch, name, rule, pairs):
    recipe = TINY.bert

    def record(model, train, *args, **kwargs):
        longest = max(len(row["input_ids"]) for row in kwargs["longer"])
        assert model.config.max_positions == recipe.long_max_length >= longest > recipe.max_length
        assert max(len(row["input_ids"]) for row in train) <= recipe.max_length == kwargs["boundary"]
        raise _Stop((kwargs["rule"].mask, kwargs["rule"].random), len(train), len(kwargs["longer"]))

    monkeypatch.setattr(pretrained_bert, "pretrain_bert", record)
    with pytest.raises(_Stop) as stopped:
        pretrained.MODELS[name].build(TINY, 0, False)
    assert stopped.value.args == (rule, pairs, round(recipe.long_share * pairs))  # then the longer phase's pairs


def test_a_longer_phase_shorter_than_the_first_is_refused():
    short = dataclasses.replace(TINY.bert, max_length=64, long_max_length=32)
    with pytest.raises(ValueError, match="bert.long_max_length .32. must be at least bert.max_length .64."):
        pretrained_bert.bert_architecture(100, short)


def test_bert_pretrains_on_the_general_documents_and_the_reviews_each_review_a_document():
    documents = pretrained_bert.pretraining_documents(TINY, seed=0)
    general = pretrained_bert.pretraining_documents(
        dataclasses.replace(TINY, bert=dataclasses.replace(TINY.bert, text="general")), seed=0)
    reviews, held_out = unlabelled_review_texts(TINY.corpus, 0)
    for split, texts in (("train", reviews), ("validation", held_out)):
        extra = documents[split].select(range(len(general[split]), len(documents[split])))
        assert general[split]["text"] == documents[split]["text"][: len(general[split])]
        by_document: dict[int, list[str]] = {}
        for text, doc_id in zip(extra["text"], extra["doc_id"]):
            by_document.setdefault(doc_id, []).append(text)
        assert [" ".join(sentences) for sentences in by_document.values()] == list(texts)
        assert min(by_document) > max(general[split]["doc_id"])  # no review shares a document id with the corpus
    assert not set(documents["train"]["doc_id"]) & set(documents["validation"]["doc_id"][len(general["validation"]):])
    with pytest.raises(ValueError, match="unknown BERT pre-training text 'news'"):
        pretrained_bert.pretraining_documents(
            dataclasses.replace(TINY, bert=dataclasses.replace(TINY.bert, text="news")), seed=0)
