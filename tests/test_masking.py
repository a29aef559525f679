"""BERT's masking against the paper's rule, counted by brute force over many draws."""

import pytest
import torch

from ptlib.data.masking import (
    IGNORE,
    MASKED,
    NOT_CHOSEN,
    RANDOM,
    UNCHANGED,
    MaskingRule,
    mask_tokens,
    masking_generator,
)
from ptlib.data.vocab import CLS_ID, MASK_ID, PAD_ID, SEP_ID

VOCAB = 50


def _batch(rows: int = 64, seed: int = 0):
    """[CLS] words [SEP] words [SEP] then padding, with lengths that vary by row."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.full((rows, 30), PAD_ID)
    mask = torch.zeros(rows, 30, dtype=torch.long)
    for r in range(rows):
        n = 8 + r % 20
        ids[r, :n] = torch.randint(5, VOCAB, (n,), generator=g)
        ids[r, 0], ids[r, n // 2], ids[r, n - 1] = CLS_ID, SEP_ID, SEP_ID
        mask[r, :n] = 1
    return ids, mask


def test_special_tokens_and_padding_are_never_chosen_and_each_row_gets_its_share():
    ids, mask = _batch()
    out = mask_tokens(ids, mask, VOCAB, generator=torch.Generator().manual_seed(1))
    chosen = out.outcome != NOT_CHOSEN
    assert not chosen[ids < 5].any() and not chosen[mask == 0].any()
    words = ((ids >= 5) & mask.bool()).sum(1)
    assert torch.equal(chosen.sum(1), (words * 0.15).round().clamp(min=1).long())
    # the loss sees exactly the chosen positions, with the original token as the target
    assert torch.equal(out.labels != IGNORE, chosen) and torch.equal(out.labels[chosen], ids[chosen])
    assert torch.equal(out.input_ids[~chosen], ids[~chosen])  # nothing else changes
    assert torch.equal(ids, _batch()[0])  # the input is not modified in place


def test_chosen_tokens_are_masked_randomised_or_kept_80_10_10():
    ids, mask = _batch(rows=512)
    counts = torch.zeros(4)
    for draw in range(20):
        out = mask_tokens(ids, mask, VOCAB, generator=torch.Generator().manual_seed(draw))
        counts += torch.bincount(out.outcome.flatten(), minlength=4)
        assert (out.input_ids[out.outcome == MASKED] == MASK_ID).all()
        assert torch.equal(out.input_ids[out.outcome == UNCHANGED], ids[out.outcome == UNCHANGED])
        assert (out.input_ids[out.outcome == RANDOM] >= 5).all()  # a word, never a special token
    shares = counts[1:] / counts[1:].sum()  # about 30,000 chosen tokens: standard error under 0.003
    assert shares.tolist() == pytest.approx([0.8, 0.1, 0.1], abs=0.01)
    # random words are spread over the vocabulary, not one id
    out = mask_tokens(ids, mask, VOCAB, generator=torch.Generator().manual_seed(0))
    assert len(out.input_ids[out.outcome == RANDOM].unique()) > 20


def test_the_rule_can_be_changed_and_is_checked():
    ids, mask = _batch()
    only_mask = mask_tokens(ids, mask, VOCAB, MaskingRule(rate=0.5, mask=1.0, random=0.0), torch.Generator())
    chosen = only_mask.outcome != NOT_CHOSEN
    assert (only_mask.input_ids[chosen] == MASK_ID).all()
    assert chosen.sum() > 0.45 * ((ids >= 5) & mask.bool()).sum()
    with pytest.raises(ValueError, match="add up to at most 1"):
        MaskingRule(mask=0.95, random=0.1)
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        MaskingRule(rate=0)
    with pytest.raises(ValueError, match="both be"):
        mask_tokens(ids, mask[:, :5], VOCAB)


def test_static_masks_repeat_every_epoch_and_dynamic_ones_do_not():
    ids, mask = _batch(rows=4)

    def masks(epoch: int, dynamic: bool) -> torch.Tensor:
        return mask_tokens(ids, mask, VOCAB, generator=masking_generator(0, 3, epoch, dynamic)).outcome

    assert torch.equal(masks(0, False), masks(5, False))
    assert torch.equal(masks(2, True), masks(2, True))
    assert not torch.equal(masks(0, True), masks(1, True))
