"""Pseudo-log-likelihoods against one forward pass per masked token, and agreement judged with them."""

import torch

from ptlib.analysis.mlm_probes import agreement_accuracy, cloze_choices, cloze_scores, pseudo_log_likelihoods
from ptlib.data.vocab import CLS_ID, MASK_ID, SEP_ID
from ptlib.data.wordpiece import train_wordpiece
from ptlib.models.bert import BertConfig, BertForPreTraining

TEXTS = ["the dogs are here .", "the dog is here now .", "a cat sat ."]


def _setup():
    tokenizer = train_wordpiece([f"the {n} {v} here ." for n in ("dog", "dogs", "cat", "cats") for v in ("is", "are")]
                                * 20 + ["a cat sat now ."] * 5, vocab_size=120)
    torch.manual_seed(0)
    model = BertForPreTraining(BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden=16, heads=2,
                                          intermediate=32, max_positions=32)).eval()
    return model, tokenizer


def test_the_pseudo_log_likelihood_is_the_sum_over_tokens_masked_one_at_a_time():
    model, tokenizer = _setup()
    expected = []
    for text in TEXTS:
        ids = torch.tensor([tokenizer.encode(text).ids])
        total = 0.0
        for position in range(1, ids.size(1) - 1):
            masked = ids.clone()
            masked[0, position] = MASK_ID
            with torch.no_grad():
                logits, _ = model(masked)
            total += logits[0, position].log_softmax(-1)[ids[0, position]].item()
        expected.append(total)
    for batch_size in (1, 3, 256):  # batches mix texts of different lengths: padding must not count
        got = pseudo_log_likelihoods(model, tokenizer, TEXTS, batch_size=batch_size)
        assert torch.allclose(torch.tensor(got), torch.tensor(expected), atol=1e-4)


def test_agreement_compares_the_grammatical_sentence_with_the_one_whose_verb_is_swapped():
    model, tokenizer = _setup()
    items = [{"prefix": "the dogs", "good": "are", "bad": "is", "interveners": 0, "text": "the dogs are here ."},
             {"prefix": "the dog", "good": "is", "bad": "are", "interveners": 1, "text": "the dog is here ."}]
    table = agreement_accuracy(model, tokenizer, items)
    assert table["bad"].tolist() == ["the dogs is here .", "the dog are here ."]
    good, bad = (pseudo_log_likelihoods(model, tokenizer, texts) for texts in
                 ([i["text"] for i in items], table["bad"].tolist()))
    assert table["correct"].tolist() == [g > b for g, b in zip(good, bad)]
    assert table["interveners"].tolist() == [0, 1]


def test_agreement_counts_the_pieces_of_the_longer_verb_form_as_the_sentence_encodes_them():
    model, tokenizer = _setup()
    items = [{"prefix": "the dogs", "good": "are", "bad": "is", "interveners": 0, "text": "the dogs are here ."},
             {"prefix": "the dog", "good": "sats", "bad": "sat", "interveners": 0, "text": "the dog sats here ."}]
    table = agreement_accuracy(model, tokenizer, items)
    expected = []
    for item in items:  # the pieces at the verb's word position, in each whole sentence
        verb = len(item["prefix"].split())
        sentences = (item["text"], item["text"].replace(f" {item['good']} ", f" {item['bad']} "))
        expected.append(max(tokenizer.encode(s).word_ids.count(verb) for s in sentences))
    assert expected[0] == 1 and expected[1] > 1  # one whole verb, one split
    assert table["verb_pieces"].tolist() == expected


def test_cloze_scores_are_the_mean_log_probability_of_the_candidates_pieces_in_a_gap_of_masks():
    model, tokenizer = _setup()
    items = [("the dog", "here .", ["is", "are", "catsz", "sat"]), ("a", "sat now .", ["cat", "dogs", "zzq"]),
             ("the cats are", "", ["here", "now ."]),
             ("the dog is here now . the cats are here . a cat sat now . the dogs", "here .", ["are", "is"])]
    pieces = {w: tokenizer.encode(w, add_special_tokens=False).ids for _, _, options in items for w in options}
    assert {len(p) for p in pieces.values()} >= {1, 2}  # single-piece and split candidates both
    expected = []
    for prompt, continuation, options in items:  # one forward pass per candidate, no batch, no padding
        before = tokenizer.encode(prompt, add_special_tokens=False).ids
        after = tokenizer.encode(continuation, add_special_tokens=False).ids if continuation else []
        row = {}
        for word in options:
            ids = torch.tensor([[CLS_ID, *before, *[MASK_ID] * len(pieces[word]), *after, SEP_ID]])
            with torch.no_grad():
                logits, _ = model(ids)
            log_probs = logits[0].log_softmax(-1)
            row[word] = sum(log_probs[1 + len(before) + i, piece].item() for i, piece in enumerate(pieces[word]))
            row[word] /= len(pieces[word])
        expected.append(row)
    prompts, continuations, candidates = zip(*items)
    for batch_size in (1, 2, 256):  # short queries share a padded batch with the long one
        got = cloze_scores(model, tokenizer, prompts, continuations, candidates, batch_size=batch_size)
        for got_row, expected_row in zip(got, expected):
            assert got_row.keys() == expected_row.keys()
            assert all(abs(got_row[w] - expected_row[w]) < 1e-4 for w in expected_row)
    assert cloze_choices(model, tokenizer, prompts, continuations, candidates) == [max(r, key=r.get) for r in expected]
