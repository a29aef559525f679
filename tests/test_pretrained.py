"""The cached pre-trained LM: trained once, then read back identical; a different recipe retrains."""

import pytest
import torch

from ptlib import config, pretrained

TINY = config.sizes("quick", corpus_sentences=400, reviews_unlabelled=40, lm_embedding=8, lm_hidden=8,
                    lm_layers=1, lm_epochs=1, lm_batch_size=4, lm_bptt=8)


def test_trained_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    first = pretrained.pretrained_lm("general", sizes=TINY, progress=False)
    assert len(list(tmp_path.glob("pretrained-lm-*.pt"))) == 1
    calls = []
    monkeypatch.setattr(pretrained, "train_language_model", lambda *a, **k: calls.append(1))
    again = pretrained.pretrained_lm("general", sizes=TINY, progress=False)
    assert not calls  # read back, not retrained
    assert again.vocab == first.vocab and again.validation_perplexity == first.validation_perplexity
    for key, value in first.model.state_dict().items():
        assert torch.equal(value.cpu(), again.model.state_dict()[key].cpu())
    assert first.history.final("validation_perplexity") == first.validation_perplexity


def test_both_texts_share_one_vocabulary_and_unknown_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    general, _ = pretrained.unlabelled_texts("general", TINY)
    everything, _ = pretrained.unlabelled_texts("general+reviews", TINY)
    assert len(everything) == len(general) + TINY.reviews_unlabelled
    vocab = pretrained.shared_vocab(TINY)
    assert "film" in vocab  # review words are in the one vocabulary
    assert pretrained.recipe("general", TINY, 0) != pretrained.recipe("general+reviews", TINY, 0)
    with pytest.raises(ValueError, match="unknown pre-training text"):
        pretrained.pretrained_lm("wikipedia", sizes=TINY)


def test_fine_tuned_lm_adapts_to_reviews_and_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("PTLIB_CACHE", str(tmp_path))
    tuned = pretrained.fine_tuned_lm(sizes=TINY, progress=False)
    # words the general text never shows make reviews very surprising until stage 2
    assert tuned.perplexity_after < 0.9 * tuned.perplexity_before
    assert len(list(tmp_path.glob("fine-tuned-lm-*.pt"))) == 1
    general = pretrained.pretrained_lm("general", sizes=TINY, progress=False)
    assert not torch.equal(general.model.decoder.bias, tuned.model.decoder.bias)  # the cached general LM is untouched
    again = pretrained.fine_tuned_lm(sizes=TINY, progress=False)
    assert again.perplexity_after == tuned.perplexity_after
    constant_rate = pretrained.fine_tuned_lm(sizes=TINY, progress=False, slanted=False)
    assert constant_rate.perplexity_after != again.perplexity_after  # another recipe: trained, not read back
