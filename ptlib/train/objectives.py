"""The losses the course trains with, each one function: the formula is the lesson.

- :func:`next_token_loss`: language modelling, the cross-entropy of each next token (padding ignored);
- :func:`adaptive_next_token_loss`: the same under an adaptive softmax, which scores only the clusters it needs;
- :func:`classification_loss`: a classifier's cross-entropy on a batch's ``labels``;
- :func:`glove_weighting` and :func:`glove_loss`: GloVe's weighted least squares (Pennington et al., 2014, eq. 8).

The biLM's loss lives with its adaptive softmax in :mod:`ptlib.models.bilm`, because the softmax is part of the
model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..data.vocab import PAD_ID


def next_token_loss(logits: torch.Tensor, labels: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy of ``logits`` [batch, time, vocab] against the next tokens ``labels`` [batch, time]."""
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=PAD_ID, reduction=reduction)


def adaptive_next_token_loss(softmax: nn.Module, hidden: torch.Tensor, labels: torch.Tensor,
                             reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy of the next tokens ``labels`` [batch, time] under an adaptive softmax reading ``hidden``
    [batch, time, features] (``softmax(h, targets)`` gives -log P(target) per position); padding ignored."""
    keep = labels != PAD_ID  # the softmax runs only where there is a word to predict
    nll = softmax(hidden[keep], labels[keep])  # [predictions]: -log P(next word)
    return nll.sum() if reduction == "sum" else nll.mean()


def classification_loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy of ``model(input_ids, attention_mask)`` against ``labels``: a loss function for ``fit``."""
    return F.cross_entropy(model(batch["input_ids"], batch["attention_mask"]), batch["labels"])


def glove_weighting(x: torch.Tensor, x_max: float = 100.0, alpha: float = 0.75) -> torch.Tensor:
    """GloVe's f(x) = (x / x_max) ** alpha, capped at 1: rare pairs count less, frequent ones no more than 1."""
    return torch.clamp(x / x_max, max=1.0) ** alpha


def glove_loss(prediction: torch.Tensor, counts: torch.Tensor, x_max: float = 100.0,
               alpha: float = 0.75) -> torch.Tensor:
    """J = sum over the entries of f(X_ij) (prediction_ij - log X_ij) ** 2, with prediction w_i . w~_j + b_i + b~_j."""
    return (glove_weighting(counts, x_max, alpha) * (prediction - counts.log()) ** 2).sum()
