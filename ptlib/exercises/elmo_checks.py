"""Checks for notebook 04 (ELMo)."""

from __future__ import annotations

from typing import Any

import torch

from ..models.scalar_mix import ScalarMix
from .feedback import Feedback, as_vector, as_whole, check, describe, not_answered

LAYER_COLUMNS = ("layer 0", "layer 1", "layer 2")


def check_scalar_mix(answer: Any, layers: torch.Tensor, w: torch.Tensor, gamma: float) -> Feedback:
    """Exercise 1: gamma * sum_j softmax(w)_j * h_j, compared with :class:`ptlib.models.scalar_mix.ScalarMix`.

    The vector may be a tensor (of any float dtype, with or without grad), a numpy array or a list.
    """
    if (missing := not_answered(answer)) is not None:
        return missing
    mix = ScalarMix(len(layers))
    with torch.no_grad():
        mix.scalars.copy_(w)
        mix.gamma.fill_(gamma)
        truth = mix(layers).double()
    got = as_vector(answer)
    if got is None:
        return Feedback(False, "give the ELMo vector as numbers (a tensor, an array or a list); got "
                               f"{describe(answer)}.")
    if got.shape != truth.shape:
        return Feedback(False, f"the ELMo vector has one number per dimension, shape {tuple(truth.shape)}; got "
                               f"{tuple(got.shape)} (sum over the layers, not over the dimensions).")
    w, layers = torch.as_tensor(w).detach().double(), torch.as_tensor(layers).detach().double()
    if torch.allclose(got, truth, atol=1e-5):
        weights = ", ".join(f"{x:.3f}" for x in torch.softmax(w, 0).tolist())
        return Feedback(True, f"the softmax turns w into weights that sum to one ({weights}); gamma scales the sum.")
    if torch.allclose(got, (w[:, None] * layers).sum(0) * gamma, atol=1e-5):
        return Feedback(False, "apply softmax to w first: the weights must be positive and sum to one.")
    if torch.allclose(got, truth / gamma, atol=1e-5):
        return Feedback(False, "almost: multiply by gamma at the end.")
    shown = [round(x, 4) for x in got.tolist()]
    return check(False, "", f"got {shown}: compute torch.softmax(w, 0), weight each layer's row by it, sum the rows, "
                            "times gamma.")


def check_subject_number_layer(answer: Any, probes: Any) -> Feedback:
    """Exercise 2: the layer whose linear probe reads the subject's number best, at the last word before the verb
    (an int, numpy int, 0-d tensor)."""
    if (missing := not_answered(answer)) is not None:
        return missing
    scores = [float(probes.loc["subject_number", column]) for column in LAYER_COLUMNS]
    layer = as_whole(answer)
    if layer is None or not 0 <= layer <= 2:
        return Feedback(False, f"give the layer as a number: 0, 1 or 2; got {describe(answer)}.")
    best = max(range(3), key=scores.__getitem__)
    listing = ", ".join(f"layer {j}: {score:.3f}" for j, score in enumerate(scores))
    if layer == best:
        note = (" Only a layer that reads the sentence carries the subject past the words between it and the verb."
                if best else " Here the token layer does best: the word before the verb gives the number away.")
        return Feedback(True, f"layer {best} ({listing}).{note}")
    return Feedback(False, f"got layer {layer}: look at the 'subject_number' row of the probes table ({listing}).")
