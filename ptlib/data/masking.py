"""BERT's masked-LM inputs: which tokens to predict, and what the model sees in their place.

In each sequence 15% of the real tokens are chosen (at least one; special tokens and padding never). Of the
chosen tokens, 80% become [MASK], 10% a random word and 10% stay unchanged (Devlin et al., 2019, section 3.1):
the model cannot tell which visible words it will be asked about, so it must keep a good representation of
every word, while [MASK], a token fine-tuning never shows, appears less often. ``labels`` hold the original token
at the chosen positions and :data:`IGNORE` elsewhere, so the loss counts the chosen positions only.

Static masking draws the masks once, dynamic masking (RoBERTa) draws them again each epoch:
:func:`masking_generator` gives the seed of each draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .vocab import MASK_ID, SPECIAL_TOKENS

IGNORE = -100  # the label of a position the loss skips (PyTorch's and Hugging Face's convention)
# what happened to each token, in MaskedInputs.outcome
NOT_CHOSEN, MASKED, RANDOM, UNCHANGED = range(4)
OUTCOMES = ("not chosen", "[MASK]", "random word", "unchanged")


@dataclass(frozen=True)
class MaskingRule:
    """The masking rates: the share of tokens chosen, and of those the shares masked and randomised."""

    rate: float = 0.15
    mask: float = 0.8
    random: float = 0.1  # the rest, 1 - mask - random, stay unchanged

    def __post_init__(self) -> None:
        if not 0 < self.rate <= 1:
            raise ValueError(f"the masking rate is a share of the tokens, in (0, 1], got {self.rate}")
        if self.mask < 0 or self.random < 0 or self.mask + self.random > 1:
            raise ValueError(f"the [MASK] and random shares must be >= 0 and add up to at most 1, got "
                             f"{self.mask} and {self.random}")


BERT_MASKING = MaskingRule()  # the paper's 15% and 80/10/10


@dataclass
class MaskedInputs:
    input_ids: torch.Tensor  # [batch, time]: what the model reads
    labels: torch.Tensor  # [batch, time]: the original token where chosen, IGNORE elsewhere
    outcome: torch.Tensor  # [batch, time]: NOT_CHOSEN, MASKED, RANDOM or UNCHANGED


def mask_tokens(input_ids: torch.Tensor, attention_mask: torch.Tensor, vocab_size: int,
                rule: MaskingRule = BERT_MASKING, generator: torch.Generator | None = None,
                first_word_id: int = len(SPECIAL_TOKENS)) -> MaskedInputs:
    """Choose and corrupt tokens of ``input_ids`` [batch, time] by ``rule``; the input is left untouched.

    Ids below ``first_word_id`` are special tokens: never chosen, never drawn as a random word. Each sequence
    gets round(rate * its real words) chosen positions (at least one where it has a word), as BERT's
    data preparation does; the 80/10/10 split is drawn per chosen token.
    """
    if input_ids.shape != attention_mask.shape or input_ids.dim() != 2:
        raise ValueError(f"input_ids and attention_mask must both be [batch, time], got {tuple(input_ids.shape)} "
                         f"and {tuple(attention_mask.shape)}")
    if vocab_size <= first_word_id:
        raise ValueError(f"a vocabulary of {vocab_size} has no words after the {first_word_id} special tokens")
    candidates = attention_mask.bool() & (input_ids >= first_word_id)  # [batch, time]
    n_words = candidates.sum(1)
    n_chosen = torch.where(n_words > 0, (n_words * rule.rate).round().clamp(min=1), 0).long()  # [batch]
    # a random order of the candidates in each row: rank by uniform noise, non-candidates last
    noise = torch.rand(input_ids.shape, generator=generator).masked_fill(~candidates, 2.0)
    rank = noise.argsort(1).argsort(1)  # [batch, time]: 0 for the first candidate drawn
    chosen = rank < n_chosen[:, None]
    draw = torch.rand(input_ids.shape, generator=generator)
    masked = chosen & (draw < rule.mask)
    randomised = chosen & (draw >= rule.mask) & (draw < rule.mask + rule.random)
    random_words = torch.randint(first_word_id, vocab_size, input_ids.shape, generator=generator)
    corrupted = torch.where(masked, MASK_ID, torch.where(randomised, random_words, input_ids))
    outcome = torch.full_like(input_ids, NOT_CHOSEN)
    outcome[chosen] = UNCHANGED
    outcome[masked] = MASKED
    outcome[randomised] = RANDOM
    return MaskedInputs(corrupted, torch.where(chosen, input_ids, IGNORE), outcome)


def masking_generator(seed: int, example: int, epoch: int, dynamic: bool) -> torch.Generator:
    """The random source of one example's masks: the same every epoch (static) or new each epoch (dynamic)."""
    return torch.Generator().manual_seed(hash((seed, example, epoch if dynamic else 0)) % 2**63)
