"""Our BERT against the reference implementation (``transformers``), with random weights saved to a temporary
folder: the same hidden states and logits both ways, padding masked, and a clear error for a broken checkpoint."""

import json

import pytest
import torch
import transformers  # the reference implementation (the test extra)

from ptlib.models import count_parameters
from ptlib.models.bert import BertClassifier, BertConfig, BertForPreTraining, BertModel, parameter_count
from ptlib.models.bert_checkpoint import CheckpointError, load_hf_bert, save_hf_bert

HF_CONFIG = dict(vocab_size=60, hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=32,
                 max_position_embeddings=24, type_vocab_size=2, pad_token_id=0)


def _inputs():
    torch.manual_seed(1)
    input_ids = torch.randint(5, 60, (3, 9))
    attention_mask = torch.ones(3, 9, dtype=torch.long)
    attention_mask[1, 6:] = 0  # padding at the end of two sequences
    attention_mask[2, 4:] = 0
    input_ids[attention_mask == 0] = 0
    token_type_ids = torch.zeros(3, 9, dtype=torch.long)
    token_type_ids[:, 5:] = 1  # a second segment
    return input_ids, attention_mask, token_type_ids


def _reference(architecture: str, tmp_path, safe: bool = True):
    torch.manual_seed(0)
    config = transformers.BertConfig(**HF_CONFIG)
    model = getattr(transformers, architecture)(config).eval()
    with torch.no_grad():  # non-trivial biases and norms, so that a tensor loaded into the wrong place shows
        for parameter in model.parameters():
            parameter.add_(0.05 * torch.randn_like(parameter))
    model.save_pretrained(tmp_path, safe_serialization=safe)
    return model


def _close(a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None = None) -> bool:
    if mask is not None:  # compare real tokens only: what padded positions hold is nobody's business
        a, b = a[mask.bool()], b[mask.bool()]
    return torch.allclose(a, b, atol=1e-5)


@pytest.mark.parametrize("safe", [True, False], ids=["safetensors", "pytorch_model.bin"])
def test_a_pretraining_checkpoint_gives_the_references_states_and_logits(tmp_path, safe):
    reference = _reference("BertForPreTraining", tmp_path, safe)
    ours = load_hf_bert(tmp_path)
    assert isinstance(ours, BertForPreTraining)
    input_ids, attention_mask, token_type_ids = _inputs()
    with torch.no_grad():
        expected = reference(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                             output_hidden_states=True)
        states, pooled = ours.bert(input_ids, attention_mask, token_type_ids)
        mlm, nsp = ours(input_ids, attention_mask, token_type_ids)
    assert len(states) == len(expected.hidden_states) == 3
    for layer, (a, b) in enumerate(zip(states, expected.hidden_states)):
        assert _close(a, b, attention_mask), f"hidden states of layer {layer} differ"
    assert _close(mlm, expected.prediction_logits, attention_mask)
    assert _close(nsp, expected.seq_relationship_logits)
    with torch.no_grad():
        assert _close(pooled, reference.bert(input_ids, attention_mask, token_type_ids).pooler_output)


def test_a_bare_encoder_and_a_masked_lm_checkpoint_load_too(tmp_path):
    input_ids, attention_mask, token_type_ids = _inputs()
    encoder = _reference("BertModel", tmp_path / "encoder")
    ours = load_hf_bert(tmp_path / "encoder")
    assert isinstance(ours, BertModel)
    with torch.no_grad():
        assert _close(ours(input_ids, attention_mask, token_type_ids)[0][-1],
                      encoder(input_ids, attention_mask, token_type_ids).last_hidden_state, attention_mask)
    masked_lm = _reference("BertForMaskedLM", tmp_path / "mlm")
    ours = load_hf_bert(tmp_path / "mlm")
    with torch.no_grad():
        assert _close(ours(input_ids, attention_mask, token_type_ids)[0],
                      masked_lm(input_ids, attention_mask, token_type_ids).logits, attention_mask)


def test_our_export_loads_in_transformers_with_the_same_outputs(tmp_path):
    torch.manual_seed(0)
    ours = BertForPreTraining(BertConfig(vocab_size=60, hidden=16, layers=2, heads=4, intermediate=32,
                                         max_positions=24)).eval()
    save_hf_bert(ours, tmp_path)
    reference = transformers.BertForPreTraining.from_pretrained(tmp_path).eval()
    input_ids, attention_mask, token_type_ids = _inputs()
    with torch.no_grad():
        mlm, nsp = ours(input_ids, attention_mask, token_type_ids)
        expected = reference(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
    assert _close(mlm, expected.prediction_logits, attention_mask)
    assert _close(nsp, expected.seq_relationship_logits)
    tied = reference.cls.predictions.decoder.weight, reference.bert.embeddings.word_embeddings.weight
    assert tied[0].data_ptr() == tied[1].data_ptr()


def test_padding_changes_nothing_for_the_real_tokens():
    torch.manual_seed(0)
    model = BertModel(BertConfig(vocab_size=60, hidden=16, layers=2, heads=4, intermediate=32)).eval()
    ids = torch.randint(5, 60, (1, 5))
    padded = torch.cat([ids, torch.zeros(1, 3, dtype=torch.long)], 1)
    mask = torch.tensor([[1] * 5 + [0] * 3])
    with torch.no_grad():
        alone, alone_pooled = model(ids)
        with_padding, padded_pooled = model(padded, mask)
    assert torch.allclose(alone[-1], with_padding[-1][:, :5], atol=1e-5)
    assert torch.allclose(alone_pooled, padded_pooled, atol=1e-5)


def test_a_broken_checkpoint_names_the_tensor(tmp_path):
    from safetensors.torch import load_file, save_file

    _reference("BertForPreTraining", tmp_path)
    weights = load_file(tmp_path / "model.safetensors")

    def broken(name: str, change) -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text((tmp_path / "config.json").read_text())
        save_file(change(dict(weights)), folder / "model.safetensors")
        with pytest.raises(CheckpointError) as error:
            load_hf_bert(folder)
        return str(error.value)

    key = "bert.encoder.layer.1.attention.self.key.weight"
    assert f"missing {key}" in broken("missing", lambda w: {k: v for k, v in w.items() if k != key})
    assert "unexpected bert.encoder.layer.2.output.dense.bias" in broken(
        "extra", lambda w: {**w, "bert.encoder.layer.2.output.dense.bias": torch.zeros(16)})
    assert f"{key} has shape (16, 8)" in broken("shape", lambda w: {**w, key: torch.zeros(16, 8)})
    with pytest.raises(CheckpointError, match="no config.json"):
        load_hf_bert(tmp_path / "nowhere")
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({**HF_CONFIG, "model_type": "roberta"}))
    with pytest.raises(CheckpointError, match="'roberta' model, not BERT"):
        load_hf_bert(other)


def test_parameter_counts_reproduce_the_published_sizes():
    base = BertConfig(vocab_size=30522, hidden=768, layers=12, heads=12, intermediate=3072, max_positions=512)
    large = BertConfig(vocab_size=30522, hidden=1024, layers=24, heads=16, intermediate=4096, max_positions=512)
    assert round(parameter_count(base) / 1e6) == 109  # published as 110M
    assert round(parameter_count(large) / 1e6) == 335  # published as 340M
    small = BertConfig(vocab_size=60, hidden=16, layers=2, heads=4, intermediate=32, max_positions=24)
    assert parameter_count(small) == count_parameters(BertModel(small))
    assert parameter_count(small, with_pretraining_heads=True) == count_parameters(BertForPreTraining(small))
    assert count_parameters(BertModel(small)) == count_parameters(transformers.BertModel(transformers.BertConfig(
        **HF_CONFIG)))


def test_the_classifier_reads_the_pooled_cls_vector():
    torch.manual_seed(0)
    model = BertClassifier(BertConfig(vocab_size=60, hidden=16, layers=1, heads=2, intermediate=32), 3).eval()
    ids = torch.randint(5, 60, (2, 6))
    with torch.no_grad():
        logits = model(ids)
        _, pooled = model.bert(ids)
    assert logits.shape == (2, 3)
    assert torch.allclose(logits, model.classifier(pooled))


def test_mean_pooling_averages_the_top_states_of_the_real_tokens_only():
    torch.manual_seed(0)
    model = BertClassifier(BertConfig(vocab_size=60, hidden=16, layers=1, heads=2, intermediate=32), 3,
                           pooling="mean").eval()
    ids = torch.randint(5, 60, (2, 6))
    padded, mask = torch.cat([ids, torch.zeros(2, 3, dtype=torch.long)], 1), torch.ones(2, 9, dtype=torch.long)
    mask[:, 6:] = 0
    with torch.no_grad():
        top = model.bert(ids)[0][-1]
        logits, logits_padded = model(ids), model(padded, mask)
    by_hand = torch.stack([torch.stack([top[row, t] for t in range(6)]).sum(0) / 6 for row in range(2)])
    assert torch.allclose(logits, model.classifier(by_hand), atol=1e-6)
    assert torch.allclose(logits_padded, logits, atol=1e-5)  # padding neither attended to nor averaged in
    with pytest.raises(ValueError, match="pooling must be 'cls' or 'mean'"):
        BertClassifier(BertConfig(vocab_size=60, hidden=16, heads=2), 2, pooling="max")
