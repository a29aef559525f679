"""The optional real checkpoint: found in a hub-cache layout without the network, loaded with its own WordPiece."""

import socket

import pytest
import torch
import transformers

from ptlib.experiments.bert_inputs import real_bert_summary
from ptlib.real_bert import RealBertUnavailable, find_real_bert, load_real_bert

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "river", "bank", "play", "we", "saw", "a", "great",
         "un", "##afford", "##able", ".", ",", "!"]


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    """A hub cache holding one small random BERT as `course/tiny-bert-uncased`, and no network at all."""
    def refuse(*args, **kwargs):
        raise AssertionError("tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    snapshot = tmp_path / "models--course--tiny-bert-uncased" / "snapshots" / "0123abc"
    torch.manual_seed(0)
    reference = transformers.BertForPreTraining(transformers.BertConfig(
        vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=32)).eval()
    reference.save_pretrained(snapshot)
    (snapshot / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    return tmp_path, snapshot, reference


def test_a_cached_checkpoint_is_found_and_gives_the_reference_outputs(hub_cache):
    cache, snapshot, reference = hub_cache
    assert find_real_bert("course/tiny-bert-uncased", cache) == snapshot
    assert find_real_bert(str(snapshot)) == snapshot  # a folder named directly
    real = load_real_bert("course/tiny-bert-uncased", cache)
    encoding = real.tokenizer.encode("We saw the river bank", "a great play !")
    ids, segments = torch.tensor([encoding.ids]), torch.tensor([encoding.type_ids])
    with torch.no_grad():
        mlm, nsp = real.model(ids, torch.ones_like(ids, dtype=torch.bool), segments)
        expected = reference(input_ids=ids, token_type_ids=segments)
    assert torch.allclose(mlm, expected.prediction_logits, atol=1e-5)
    assert torch.allclose(nsp, expected.seq_relationship_logits, atol=1e-5)


@pytest.mark.parametrize(("text", "pair"), [("We saw the RIVER bank .", None), ("unaffordable play", "the bank !"),
                                            ("a zebra saw , the bank", "Unaffordable")])
def test_its_tokeniser_is_the_reference_wordpiece_of_the_vocabulary(hub_cache, text, pair):
    _, snapshot, _ = hub_cache
    real = load_real_bert(str(snapshot))
    reference = transformers.BertTokenizer(str(snapshot / "vocab.txt"), do_lower_case=True)
    expected = reference(text, pair)
    ours = real.tokenizer.encode(text, pair) if pair else real.tokenizer.encode(text)
    assert ours.ids == expected["input_ids"] and ours.type_ids == expected["token_type_ids"]


def test_without_a_local_copy_it_says_what_to_do_at_once(tmp_path, hub_cache):
    with pytest.raises(RealBertUnavailable, match="no local copy of 'bert-base-uncased'.*huggingface-cli download"):
        load_real_bert("bert-base-uncased", tmp_path)
    with pytest.raises(ValueError, match="name a hub model"):
        find_real_bert("  ")


def test_the_summary_counts_the_real_models_parameters_two_ways_and_shows_its_pieces(hub_cache):
    _, snapshot, reference = hub_cache
    facts, pieces = real_bert_summary(load_real_bert(str(snapshot)), "We saw unaffordable zebras")
    expected = f"{sum(p.numel() for p in reference.bert.parameters()):,}"  # transformers' own encoder
    assert facts.loc["encoder parameters, counted", "real checkpoint"] == expected
    assert facts.loc["encoder parameters, calculator", "real checkpoint"] == expected
    assert pieces.to_dict("records") == [
        {"word": "we", "pieces": "we", "kind": "whole"}, {"word": "saw", "pieces": "saw", "kind": "whole"},
        {"word": "unaffordable", "pieces": "un ##afford ##able", "kind": "split"},
        {"word": "zebras", "pieces": "[UNK]", "kind": "unknown"}]
