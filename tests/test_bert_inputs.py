"""Notebook 06's pieces: one input or a pair position by position, WordPiece's treatment of each word, the embedding
rows that are summed, parameter counts by part, and the masking view and widget."""

import math

import pytest
import torch
from tokenizers import Tokenizer

from ptlib.analysis.bert_inputs import embedding_parts, input_table, parameter_table
from ptlib.analysis.masking_view import draw_masks, masking_html, masking_widget, outcome_counts
from ptlib.data.bert_inputs import encode_input, word_pieces
from ptlib.data.masking import MASKED, NOT_CHOSEN, RANDOM, UNCHANGED, MaskingRule
from ptlib.data.vocab import SPECIAL_TOKENS
from ptlib.data.wordpiece import WordPieceError, train_wordpiece
from ptlib.models.bert import BertConfig, BertModel
from ptlib.train import bert as bert_training

WORDS = ["the", "cat", "dog", "sat", "on", "mat", "and", "a", "bird", "sang", "loudly", "near", "river", "."]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    texts = [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(8)) for i in range(300)]
    return train_wordpiece(texts + ["zebra"], vocab_size=120)


def _pieces(tokenizer: Tokenizer, text: str) -> list[str]:
    return tokenizer.encode(text, add_special_tokens=False).tokens


def _longest_first(a: list[str], b: list[str], budget: int) -> tuple[list[str], list[str]]:
    """The documented rule, one token at a time: cut the end of the longer sentence (the second on a tie)."""
    a, b = list(a), list(b)
    while len(a) + len(b) > budget:
        if len(a) > len(b):
            a.pop()
        else:
            b.pop()
    return a, b


def test_a_pair_reads_cls_a_sep_b_sep_with_segments_and_positions(tokenizer):
    a, b = "the cat sat on the mat .", "a bird sang ."
    encoded = encode_input(tokenizer, a, b)
    pieces_a, pieces_b = _pieces(tokenizer, a), _pieces(tokenizer, b)
    assert encoded.tokens == ["[CLS]", *pieces_a, "[SEP]", *pieces_b, "[SEP]"]
    assert encoded.token_type_ids == [0] * (len(pieces_a) + 2) + [1] * (len(pieces_b) + 1)
    assert encoded.position_ids == list(range(len(encoded.tokens)))
    assert encoded.input_ids == [tokenizer.token_to_id(t) for t in encoded.tokens]
    assert encoded.removed == (0, 0)
    assert input_table(encoded).loc["segment"].tolist() == encoded.token_type_ids


@pytest.mark.parametrize("a_words, b_words, max_length", [(12, 3, 10), (3, 12, 10), (6, 6, 9), (9, 7, 11)])
def test_a_long_pair_is_cut_longest_first(tokenizer, a_words, b_words, max_length):
    a, b = " ".join(WORDS[:a_words]), " ".join(WORDS[-b_words:])
    pieces_a, pieces_b = _pieces(tokenizer, a), _pieces(tokenizer, b)
    kept_a, kept_b = _longest_first(pieces_a, pieces_b, max_length - 3)
    encoded = encode_input(tokenizer, a, b, max_length=max_length)
    assert encoded.tokens == ["[CLS]", *kept_a, "[SEP]", *kept_b, "[SEP]"]
    assert encoded.removed == (len(pieces_a) - len(kept_a), len(pieces_b) - len(kept_b))


def test_bad_input_gets_a_clear_message(tokenizer):
    with pytest.raises(WordPieceError, match="first sentence is empty"):
        encode_input(tokenizer, "   ")
    with pytest.raises(WordPieceError, match="second sentence is empty"):
        encode_input(tokenizer, "the cat", "")
    with pytest.raises(WordPieceError, match="max_length must be an integer >= 5"):
        encode_input(tokenizer, "the cat", "the dog", max_length=4)
    with pytest.raises(WordPieceError, match="the text is empty"):
        word_pieces(tokenizer, "")


def test_each_word_is_said_whole_split_or_unknown(tokenizer):
    found = word_pieces(tokenizer, "The cat saw Zebra ☃ near-river")
    kinds = {piece.word: piece.kind for piece in found}
    assert [piece.word for piece in found] == ["the", "cat", "saw", "zebra", "☃", "near", "-", "river"]
    assert kinds["the"] == kinds["cat"] == "whole"
    assert kinds["zebra"] == "split"  # seen once: too rare to be a piece of its own
    assert kinds["☃"] == kinds["saw"] == "unknown"  # no text had a "w": one unseen character loses the whole word
    for piece in found:  # the pieces spell the word again, ## marks continuations
        if piece.kind != "unknown":
            assert "".join(p.removeprefix("##") for p in piece.pieces) == piece.word
            assert all(p.startswith("##") for p in piece.pieces[1:]) and not piece.pieces[0].startswith("##")


def test_the_embedding_parts_sum_to_what_the_model_reads(tokenizer):
    torch.manual_seed(0)
    model = BertModel(BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden=16, heads=2, max_positions=32)).eval()
    with torch.no_grad():  # segments and positions far apart, so that mixing one up shows
        model.embeddings.token_type_embeddings.weight.normal_(0, 1.0)
        model.embeddings.position_embeddings.weight.normal_(0, 1.0)
        model.embeddings.LayerNorm.weight.uniform_(0.5, 1.5)
    encoded = encode_input(tokenizer, "the cat sat .", "a bird sang .")
    parts = embedding_parts(model, encoded)
    with torch.no_grad():
        reference = model.embeddings(torch.tensor([encoded.input_ids]), torch.tensor([encoded.token_type_ids]))[0]
    torch.testing.assert_close(parts["after LayerNorm"], reference)
    torch.testing.assert_close(parts["sum"], parts["token"] + parts["segment"] + parts["position"])
    second = torch.tensor(encoded.token_type_ids) == 1
    assert not torch.allclose(parts["segment"][second][0], parts["segment"][~second][0])


def test_parameters_by_part_match_the_modules_of_a_real_model():
    config = BertConfig(vocab_size=50, hidden=16, layers=3, heads=2, intermediate=40, max_positions=20)
    model = BertModel(config)
    table = parameter_table({"small": config}, published={"small": 0.1})["small"]

    def count(*modules) -> int:
        return sum(p.numel() for m in modules for p in m.parameters())

    layers = model.encoder.layer
    assert table["token embeddings"] == model.embeddings.word_embeddings.weight.numel()
    assert table["position embeddings"] == model.embeddings.position_embeddings.weight.numel()
    assert table["attention (all layers)"] == count(*(layer.attention for layer in layers))
    assert table["feed-forward (all layers)"] == count(*(m for layer in layers for m in (layer.intermediate,
                                                                                          layer.output)))
    assert table["pooler"] == count(model.pooler)
    assert table["total"] == count(model)
    assert table["published total"] == pytest.approx(1e5)


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(3)
    ids = torch.randint(5, 40, (16, 24), generator=generator)
    mask = torch.ones_like(ids)
    for row in range(16):
        length = 6 + row
        ids[row, 0], ids[row, length - 1] = 2, 3  # [CLS] ... [SEP]
        ids[row, length:], mask[row, length:] = 0, 0
    return ids, mask


def test_outcome_counts_follow_the_80_10_10_rule_and_spare_specials_and_padding():
    ids, mask = _batch()
    draws = 300
    counts = outcome_counts(ids, mask, 40, MaskingRule(), draws, seed=1)
    words_per_row = ((ids >= len(SPECIAL_TOKENS)) & mask.bool()).sum(1)
    assert counts["word tokens"] == draws * int(words_per_row.sum())
    assert counts["chosen"] == draws * int((words_per_row * 0.15).round().clamp(min=1).sum())
    assert counts["chosen special or padding"] == 0
    chosen = counts["chosen"]
    for outcome, share in (("[MASK]", 0.8), ("random word", 0.1), ("unchanged", 0.1)):
        bound = 4.5 * math.sqrt(share * (1 - share) / chosen)  # a false alarm about once in 300,000 runs
        assert abs(counts[outcome] / chosen - share) < bound, outcome
    assert counts["[MASK]"] + counts["random word"] + counts["unchanged"] == chosen


def test_one_draw_shows_what_the_model_reads(tokenizer):
    draw = draw_masks(tokenizer, "the cat sat on the mat and a dog sat near the river .", MaskingRule(rate=0.5), 2)
    for token, shown, outcome in zip(draw.tokens, draw.shown, draw.outcome):
        if outcome in (NOT_CHOSEN, UNCHANGED):
            assert shown == token
        elif outcome == MASKED:
            assert shown == "[MASK]"
        else:
            assert outcome == RANDOM and shown not in SPECIAL_TOKENS
    assert {o for o in draw.outcome} > {NOT_CHOSEN}
    page = masking_html(draw)
    assert page.count("background:") == sum(o != NOT_CHOSEN for o in draw.outcome)


def test_the_widget_follows_the_slider_and_button_and_explains_empty_input(tokenizer):
    box = masking_widget(tokenizer, "the cat sat on the mat and the dog sat near the river .")
    sentence, (slider, button), shown = box.children[0], box.children[1].children, box.children[2]
    n_words = len(_pieces(tokenizer, sentence.value))
    assert f"{round(n_words * 0.15)} of {n_words} word tokens chosen" in shown.value
    slider.value = 0.5
    assert f"{round(n_words * 0.5)} of {n_words} word tokens chosen" in shown.value
    first = shown.value
    button.click()
    assert "(draw 2)" in shown.value and shown.value != first
    sentence.value = "  "
    assert "empty" in shown.value and "Traceback" not in shown.value


def test_accuracy_by_outcome_counts_each_outcome_like_a_full_forward_pass():
    from test_bert_training import _model, _toy_pairs  # the toy world of the training tests

    model, pairs = _model().eval(), _toy_pairs(40, seed=0)
    got = bert_training.accuracy_by_outcome(model, pairs, seed=5)
    batch = next(bert_training.masked_batches(pairs, 128, model.config.vocab_size, dynamic=False, shuffle=False,
                                              seed=5)(0))
    with torch.no_grad():  # every position through the MLM head, then count by hand
        predicted = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])[0].argmax(-1)
    for outcome, name in ((MASKED, "[MASK]"), (RANDOM, "random word"), (UNCHANGED, "unchanged")):
        where = batch["mlm_outcome"] == outcome
        assert got[name] == pytest.approx((predicted[where] == batch["mlm_labels"][where]).float().mean().item())


class Copier(torch.nn.Module):
    """A 'model' whose MLM head predicts the token it reads: right at unchanged positions only."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.config = BertConfig(vocab_size=vocab_size)
        self.mlm, self.nsp = torch.nn.Identity(), torch.nn.Linear(vocab_size, 2)

    def bert(self, input_ids, attention_mask, token_type_ids):
        one_hot = torch.nn.functional.one_hot(input_ids, self.config.vocab_size).float()
        return [one_hot], one_hot[:, 0]


def test_a_model_that_copies_its_input_is_right_only_where_the_word_was_left_unchanged():
    from test_bert_training import _toy_pairs

    got = bert_training.accuracy_by_outcome(Copier(17), _toy_pairs(200, seed=1), seed=2)
    assert got["unchanged"] == 1.0 and got["[MASK]"] == 0.0
    assert got["random word"] < 0.2  # right only where the random word happens to be the original
