"""Checks for notebook 04 (ELMo)."""

from __future__ import annotations

from typing import Any

import torch

from ..models.scalar_mix import ScalarMix
from .feedback import Feedback, check, not_answered

LAYER_COLUMNS = ("layer 0", "layer 1", "layer 2")


def check_scalar_mix(answer: Any, layers: torch.Tensor, w: torch.Tensor, gamma: float) -> Feedback:
    """Exercise 1: gamma * sum_j softmax(w)_j * h_j, compared with :class:`ptlib.models.scalar_mix.ScalarMix`."""
    if (missing := not_answered(answer)) is not None:
        return missing
    mix = ScalarMix(len(layers))
    with torch.no_grad():
        mix.scalars.copy_(w)
        mix.gamma.fill_(gamma)
        truth = mix(layers)
    answer = torch.as_tensor(answer, dtype=truth.dtype)
    if answer.shape != truth.shape:
        return Feedback(False, f"the ELMo vector has one number per dimension, shape {tuple(truth.shape)}; got "
                               f"{tuple(answer.shape)} (sum over the layers, not over the dimensions).")
    if torch.allclose(answer, truth, atol=1e-5):
        weights = ", ".join(f"{x:.3f}" for x in torch.softmax(w, 0).tolist())
        return Feedback(True, f"the softmax turns w into weights that sum to one ({weights}); gamma scales the sum.")
    if torch.allclose(answer, (w[:, None] * layers).sum(0) * gamma, atol=1e-5):
        return Feedback(False, "apply softmax to w first: the weights must be positive and sum to one.")
    if torch.allclose(answer, truth / gamma, atol=1e-5):
        return Feedback(False, "almost: multiply by gamma at the end.")
    return check(False, "", "compute torch.softmax(w, 0), weight each layer's row by it, sum the rows, times gamma.")


def check_morphology_layer(answer: Any, probes: Any) -> Feedback:
    """Exercise 2: the layer whose linear probe predicts a noun's own number best."""
    if (missing := not_answered(answer)) is not None:
        return missing
    scores = [float(probes.loc["number", column]) for column in LAYER_COLUMNS]
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 2:
        return Feedback(False, "give the layer as a number: 0, 1 or 2.")
    best = max(range(3), key=scores.__getitem__)
    listing = ", ".join(f"layer {j}: {score:.3f}" for j, score in enumerate(scores))
    if answer == best:
        note = (" The token layer is built from characters, and the plural ending is in the spelling."
                if best == 0 else " Here an LSTM layer does at least as well: it also sees the word itself.")
        return Feedback(True, f"layer {best} ({listing}).{note}")
    return Feedback(False, f"look at the 'number' row of the probes table ({listing}).")
