"""Checks for notebook 01 (standard vs transfer learning)."""

from __future__ import annotations

from typing import Any

from torch import nn

from .feedback import Feedback, as_numbers, as_whole, check, describe, not_answered


def check_storage(answer: Any, encoder_parameters: int, head_parameters: int, n_tasks: int) -> Feedback:
    """Exercise 1: (parameters stored by n separate models, by one shared encoder + n heads).

    The pair may be a tuple or list, a numpy array or a tensor, of ints, numpy ints or whole floats.
    """
    if (missing := not_answered(answer)) is not None:
        return missing
    pair = as_numbers(answer)
    if pair is None or len(pair) != 2:
        return Feedback(False, f"give a pair of numbers: (standard, shared); got {describe(answer)}.")
    standard, shared = (as_whole(x) for x in pair)
    if standard is None or shared is None:
        return Feedback(False, f"parameter counts are whole numbers; got ({pair[0]}, {pair[1]}).")
    encoder_parameters, head_parameters, n_tasks = int(encoder_parameters), int(head_parameters), int(n_tasks)
    right_standard = n_tasks * (encoder_parameters + head_parameters)
    right_shared = encoder_parameters + n_tasks * head_parameters
    if standard == right_shared and shared == right_standard:
        return Feedback(False, "the two numbers are swapped: the standard approach stores more.")
    if standard != right_standard:
        return Feedback(False, f"standard: got {standard:,}; every task stores a whole model, encoder and head, "
                               f"{n_tasks} times.")
    return check(shared == right_shared,
                 f"{right_standard:,} vs {right_shared:,} parameters: {right_standard / right_shared:.1f}x less.",
                 f"shared: got {shared:,}; the encoder is stored once, the heads once per task.")


def check_frozen_encoder(model: Any) -> Feedback:
    """Exercise 2: only the head's parameters still require gradients."""
    if (missing := not_answered(model)) is not None:
        return missing
    if not isinstance(model, nn.Module) or not hasattr(model, "encoder") or not hasattr(model, "head"):
        return Feedback(False, "return the classifier itself (an LSTMClassifier with .encoder and .head); got "
                               f"{describe(model)}.")
    encoder_trainable = [n for n, p in model.encoder.named_parameters() if p.requires_grad]
    head_frozen = [n for n, p in model.head.named_parameters() if not p.requires_grad]
    if encoder_trainable:
        return Feedback(False, f"{len(encoder_trainable)} encoder tensors still train, e.g. {encoder_trainable[0]!r}: "
                               "set requires_grad = False on every encoder parameter.")
    return check(not head_frozen, "the encoder is frozen and only the head would learn: the features setting.",
                 "the head is frozen too: nothing would learn. Freeze the encoder only.")


def check_labels_needed(answer: Any, by_n: Any) -> Feedback:
    """Exercise 3: the smallest n where from-scratch mean accuracy reaches fine-tuned accuracy at 32 labels.

    ``None`` is an answer here (from scratch never gets there), so only ``...`` counts as no answer.
    """
    if answer is not None and (missing := not_answered(answer)) is not None:
        return missing
    target = float(by_n.loc[32, "fine-tuned"])
    tried = sorted(int(n) for n in by_n.index)
    reached = [n for n in tried if float(by_n.loc[n, "from scratch"]) >= target]
    truth = min(reached) if reached else None
    given = None if answer is None else as_whole(answer)
    if answer is not None and given is None:
        return Feedback(False, f"give n as a whole number (one of {tried}), or None if it is never reached; got "
                               f"{describe(answer)}.")
    if given == truth:
        if truth is None:
            return Feedback(True, f"from scratch never reaches {target:.3f} in the range tried: "
                                  "pre-training is worth more than all our labels.")
        return Feedback(True, f"{truth} labels from scratch to match 32 with pre-training: {truth / 32:.0f}x as many.")
    if given is None:
        return Feedback(False, f"got None, but it does reach it: look down the 'from scratch' column for "
                               f"{target:.3f} or more.")
    if given not in tried:
        return Feedback(False, f"n = {given} is not one of the label counts tried ({tried}).")
    scratch = float(by_n.loc[given, "from scratch"])
    if scratch < target:
        return Feedback(False, f"at n = {given} from scratch has {scratch:.3f}, below {target:.3f} (fine-tuned at 32)"
                               f"{'' if reached else '; check every row: does any reach it?'}.")
    return Feedback(False, f"n = {given} reaches {target:.3f} (fine-tuned at 32), but a smaller n already does: "
                           "take the smallest.")
