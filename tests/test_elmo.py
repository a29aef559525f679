"""ELMo: the scalar mix is equation 1, vectors line up with text.split(), probes and task models run."""

import pytest
import torch
from datasets import Dataset

from ptlib.analysis import features, probes
from ptlib.data.characters import CharVocab
from ptlib.data.microworld import build_world, lexicon
from ptlib.data.vocab import Vocab
from ptlib.experiments import elmo as experiment
from ptlib.models.bilm import BiLM, BiLMConfig
from ptlib.models.scalar_mix import ScalarMix
from ptlib.models.task_model import TaskModel
from ptlib.pretrained import PretrainedBiLM
from ptlib.train import task_model
from ptlib.train.loop import History

TEXTS = ["the play was good .", "the children play football .", "the bank of the river .", "she went to the bank ."]


@pytest.fixture(scope="module")
def bundle() -> PretrainedBiLM:
    vocab, chars = Vocab.build(TEXTS), CharVocab.build(TEXTS)
    torch.manual_seed(0)
    model = BiLM(BiLMConfig(vocab_size=len(vocab), char_vocab_size=len(chars), dim=8, softmax_cutoffs=(8,)))
    return PretrainedBiLM(model.eval(), vocab, chars, History(), 1.0, 1.0)


def test_scalar_mix_is_equation_one_and_its_weights_sum_to_one():
    torch.manual_seed(0)
    mix = ScalarMix(3)
    with torch.no_grad():
        mix.scalars.copy_(torch.tensor([0.5, -1.0, 2.0]))
        mix.gamma.fill_(1.7)
    layers = torch.randn(3, 2, 5, 4)
    s = torch.exp(mix.scalars.detach()) / torch.exp(mix.scalars.detach()).sum()
    expected = 1.7 * (s[0] * layers[0] + s[1] * layers[1] + s[2] * layers[2])
    assert torch.allclose(mix(layers), expected, atol=1e-6)
    assert torch.allclose(mix.weights(), s) and torch.isclose(mix.weights().sum(), torch.tensor(1.0))
    assert torch.allclose(ScalarMix(3)(layers), layers.mean(0), atol=1e-6)  # untrained: the plain average
    normed = ScalarMix(3, layer_norm=True)(layers * 100 + 3)
    assert torch.allclose(normed, torch.nn.functional.layer_norm(layers, (4,)).mean(0), atol=1e-4)
    mix(layers).sum().backward()
    assert mix.scalars.grad is not None and mix.gamma.grad is not None  # both are trained by the task
    with pytest.raises(ValueError, match="3 layers"):
        mix(layers[:2])


def test_vectors_line_up_with_the_tokens_and_sentences_are_read_one_by_one(bundle):
    texts = ["the play was good .", "the bank . she went to the bank ."]
    layers = features.text_layers(bundle, texts)
    assert [tuple(x.shape) for x in layers] == [(3, 5, 16), (3, 9, 16)]
    for text, stack in zip(texts, layers):
        assert stack.shape[1] == len(text.split())
    with torch.no_grad():
        alone, _ = bundle.model(bundle.batcher([texts[0].split()]))
    assert torch.allclose(layers[0], alone[:, 0], atol=1e-6)  # batching and sorting change nothing
    first, second = features.text_layers(bundle, ["the bank .", "she went to the bank ."])
    assert torch.allclose(layers[1], torch.cat([first, second], 1), atol=1e-6)
    assert features.split_sentences("a b . c . d".split()) == [["a", "b", "."], ["c", "."], ["d"]]
    assert torch.equal(layers[1][0, 1], layers[1][0, 7])  # layer 0 is context-free: "bank" twice, one vector


def test_empty_texts_and_lone_strings_are_refused_clearly(bundle):
    with pytest.raises(ValueError, match="text 1 .* has no tokens"):
        features.text_layers(bundle, ["the play .", "   "])
    with pytest.raises(TypeError, match="not one string"):
        features.text_layers(bundle, "the play .")
    with pytest.raises(ValueError, match="has no tokens"):
        features.contextual_embedder(bundle, 1)([""])


def test_dataset_features_at_a_position_and_per_token(bundle):
    rows = Dataset.from_dict({"text": TEXTS, "position": [1, 2, 1, 4]})
    at = features.layers_at(bundle, rows)
    every = features.dataset_layers(bundle, rows)
    assert at.shape == (4, 3, 16)
    for i, position in enumerate(rows["position"]):
        assert torch.equal(at[i], every[i][:, position])
    with pytest.raises(ValueError, match="position 9 is outside"):
        features.layers_at(bundle, Dataset.from_dict({"text": ["a b"], "position": [9]}))
    with pytest.raises(ValueError, match="no column 'where'"):
        features.layers_at(bundle, rows, position_column="where")


def test_contextual_embedder_gives_one_vector_per_token(bundle):
    texts = ["the play was good .", "the children play football ."]
    top = features.contextual_embedder(bundle, 2)(texts)
    assert [tuple(v.shape) for v in top] == [(5, 16), (5, 16)]
    static = features.contextual_embedder(bundle, 0)(texts)
    assert torch.equal(static[0][1], static[1][2])  # "play" without context: the same vector
    assert not torch.allclose(top[0][1], top[1][2])  # in context: two different vectors
    layers = features.text_layers(bundle, texts)
    average = features.contextual_embedder(bundle, "mix")(texts)
    assert torch.allclose(average[0], layers[0].mean(0), atol=1e-6)
    mix = ScalarMix()
    with torch.no_grad():
        mix.scalars.copy_(torch.tensor([0.0, 0.0, 30.0]))
    assert torch.allclose(features.contextual_embedder(bundle, "mix", mix)(texts)[1], layers[1][2], atol=1e-4)
    with pytest.raises(ValueError, match="layer must be"):
        features.contextual_embedder(bundle, 3)


def test_probe_items_label_the_right_token():
    senses = probes.probe_items("sense", 20, seed=1)
    for text, position, name in zip(senses["text"], senses["position"], senses["label_name"]):
        word, sense = name.split(":")
        assert text.split()[position] == word and sense in lexicon.SENSES[word]
    world = build_world(0)
    singular_nouns = {w for name in lexicon.NOUN_CLASSES for w in world.class_members(name)}
    number = probes.probe_items("number", 20)
    for text, position, name in zip(number["text"], number["position"], number["label_name"]):
        assert (text.split()[position] in singular_nouns) == (name == "singular")
    subject = probes.probe_items("subject_number", 30)
    assert len(subject) == 30 and set(subject["label"]) == {0, 1}
    for text, position in zip(subject["text"], subject["position"]):
        assert position == len(text.split()) - 1 >= 3  # the last word before the verb, past an intervener
    polarity = probes.probe_items("polarity", 31, seed=2)
    assert sorted(polarity["label_name"]).count("positive") == 16  # balanced, the odd one positive
    polar_words = set(lexicon.POSITIVE) | set(lexicon.NEGATIVE)
    for text, position, name in zip(polarity["text"], polarity["position"], polarity["label_name"]):
        tokens = text.split()
        assert (tokens[position] in lexicon.POSITIVE) == (name == "positive") and tokens[position] in polar_words
        assert not polar_words & set(tokens[:position])  # the first evaluative word, not a later one
    with pytest.raises(ValueError, match="unknown probe"):
        probes.probe_items("tense", 10)


def test_layer_probe_scores_every_layer(bundle):
    rows = Dataset.from_dict({"text": TEXTS * 4, "position": [1, 2, 4, 4] * 4, "label": [0, 1, 2, 2] * 4})
    accuracies = probes.layer_probe(bundle, rows, rows)
    assert len(accuracies) == 3 and all(0 <= a <= 1 for a in accuracies)
    # "play" is labelled 0 in one text and 1 in another: layer 0 gives both one vector, so at most 3 of 4 rows;
    # the LSTM layers (random, untrained) see the different contexts
    assert accuracies[0] <= 0.75 < accuracies[1]


def test_pair_tasks_get_a_zero_vector_separator(bundle):
    rows = Dataset.from_dict({"text": ["the play was good ."], "text_pair": ["the bank ."], "label": [1]})
    (example,) = experiment.elmo_examples(bundle, rows)
    assert len(example["input_ids"]) == example["layers"].shape[1] == 5 + 1 + 3
    assert (example["layers"][:, 5] == 0).all() and example["layers"][:, 6].abs().sum() > 0


@pytest.mark.parametrize(("inputs", "layers"), [("embedding", "mix"), ("elmo", "mix"), ("embedding+elmo", "top")])
def test_task_models_train_and_report_their_mix(bundle, inputs, layers):
    rows = Dataset.from_dict({"text": TEXTS * 4, "label": [1, 0, 1, 0] * 4})
    examples = experiment.elmo_examples(bundle, rows)
    torch.manual_seed(0)
    model = TaskModel(len(bundle.vocab), 2, inputs=inputs, elmo_dim=bundle.dim, layers=layers,
                           embedding=8, hidden=8)
    batch = task_model.task_batches(examples, 4)[0]
    assert model(batch).shape == (4, 2)
    history = task_model.train_task_model(model, examples, steps=60, batch_size=4, lr=1e-2)
    assert history.losses[-1] < history.losses[0]
    assert task_model.task_accuracy(model, examples) > 0.7
    if model.use_elmo:
        assert len(model.mix.weights()) == (1 if layers == "top" else 3)
    else:
        assert not hasattr(model, "mix")
    pooled = TaskModel(len(bundle.vocab), 2, inputs=inputs, elmo_dim=bundle.dim, layers=layers, hidden=0)
    assert pooled.encoder is None and pooled(batch).shape == (4, 2)


def test_pre_trained_word_vectors_are_the_frozen_baseline_input(bundle):
    rows = Dataset.from_dict({"text": TEXTS * 2, "label": [1, 0, 1, 0] * 2})
    examples = experiment.elmo_examples(bundle, rows)
    vectors = torch.randn(len(bundle.vocab), 6)
    model = TaskModel(len(bundle.vocab), 2, inputs="embedding+elmo", elmo_dim=bundle.dim,
                           word_vectors=vectors, hidden=4)
    task_model.train_task_model(model, examples, steps=10, batch_size=4)
    assert torch.equal(model.embedding.weight, vectors)  # GloVe-style vectors are read, never trained
    with pytest.raises(ValueError, match="6 rows for a vocabulary of 7"):
        TaskModel(7, 2, inputs="embedding", word_vectors=torch.randn(6, 3))


def test_the_mix_penalty_pulls_the_weights_towards_the_average(bundle):
    rows = Dataset.from_dict({"text": TEXTS * 4, "label": [1, 0, 1, 0] * 4})
    examples = experiment.elmo_examples(bundle, rows)
    spread = []
    for mix_l2 in (0.0, 10.0):
        torch.manual_seed(0)
        model = TaskModel(len(bundle.vocab), 2, inputs="elmo", elmo_dim=bundle.dim, hidden=8)
        task_model.train_task_model(model, examples, steps=60, batch_size=4, lr=3e-2, mix_l2=mix_l2)
        spread.append(model.mix.scalars.detach().abs().max().item())
    assert spread[1] < spread[0] / 3
    with pytest.raises(ValueError, match="inputs must be one of"):
        TaskModel(10, 2, inputs="glove")
    with pytest.raises(ValueError, match="elmo_dim"):
        TaskModel(10, 2, inputs="elmo")


def test_the_top_layer_model_reads_the_top_layer_only(bundle):
    rows = Dataset.from_dict({"text": TEXTS, "label": [1, 0, 1, 0]})
    batch = task_model.task_batches(experiment.elmo_examples(bundle, rows), 4)[0]
    torch.manual_seed(0)
    model = TaskModel(len(bundle.vocab), 2, inputs="elmo", elmo_dim=bundle.dim, layers="top", hidden=8).eval()
    logits = model(batch)
    lower = dict(batch, layers=batch["layers"].clone())
    lower["layers"][:2] = torch.randn_like(lower["layers"][:2])  # layers 0 and 1 replaced: nothing changes
    assert torch.allclose(model(lower), logits)
    top = dict(batch, layers=batch["layers"].clone())
    top["layers"][2] = torch.randn_like(top["layers"][2])  # the top layer replaced: the prediction changes
    assert not torch.allclose(model(top), logits)


@pytest.mark.parametrize(("inputs", "hidden"), [("embedding+elmo", 8), ("elmo", 0)])
def test_a_text_gets_the_same_prediction_alone_and_padded_in_a_batch(bundle, inputs, hidden):
    rows = Dataset.from_dict({"text": ["the bank .", *TEXTS], "label": [0, 1, 0, 1, 0]})
    examples = experiment.elmo_examples(bundle, rows)
    torch.manual_seed(0)
    model = TaskModel(len(bundle.vocab), 2, inputs=inputs, elmo_dim=bundle.dim, embedding=8, hidden=hidden).eval()
    together = model(task_model.task_batches(examples, len(examples))[0])
    alone = torch.cat([model(task_model.task_batches([example], 1)[0]) for example in examples])
    assert torch.allclose(together, alone, atol=1e-5)  # the shortest text sits among four padding positions


def test_a_layer_normalised_mix_ignores_the_scale_of_each_layer(bundle):
    rows = Dataset.from_dict({"text": TEXTS, "label": [1, 0, 1, 0]})
    batch = task_model.task_batches(experiment.elmo_examples(bundle, rows), 4)[0]
    rescaled = dict(batch, layers=batch["layers"] * torch.tensor([100.0, 0.5, 7.0]).view(3, 1, 1, 1) + 3.0)
    for layer_norm in (True, False):
        torch.manual_seed(0)
        model = TaskModel(len(bundle.vocab), 2, inputs="elmo", elmo_dim=bundle.dim, layer_norm=layer_norm,
                          hidden=8).eval()
        # layer normalisation divides out each vector's own offset and scale; without it they matter
        assert torch.allclose(model(rescaled), model(batch), atol=1e-4) is layer_norm


def test_the_layer_probe_is_scored_on_the_test_rows(bundle):
    train = Dataset.from_dict({"text": TEXTS * 4, "position": [1, 2, 4, 4] * 4, "label": [0, 1, 2, 2] * 4})
    test = Dataset.from_dict({"text": TEXTS[::-1] * 2, "position": [0, 3, 0, 2] * 2, "label": [2, 2, 1, 0] * 2})
    accuracies = probes.layer_probe(bundle, train, test)
    train_layers, test_layers = features.layers_at(bundle, train), features.layers_at(bundle, test)
    for j, accuracy in enumerate(accuracies):
        probe = probes.train_probe(train_layers[:, j], torch.tensor(train["label"]), n_classes=3)
        with torch.no_grad():
            hits = [int(probe(test_layers[i : i + 1, j]).argmax()) == label for i, label in enumerate(test["label"])]
        assert accuracy == pytest.approx(sum(hits) / len(hits))
