"""Learning-rate schedules shared by the pre-training recipes (ULMFiT's slanted triangular rates live in
:mod:`ptlib.train.ulmfit`, with the rest of ULMFiT's techniques)."""

from __future__ import annotations

import torch


def linear_decay(optimizer: torch.optim.Optimizer, total_steps: int,
                 floor: float = 0.05) -> torch.optim.lr_scheduler.LambdaLR:
    """Decay each group's rate linearly from its peak to ``floor`` times the peak at ``(1 - floor) * total_steps``,
    then hold it: a constant rate left a pre-trained model wherever its last noisy steps put it (agreement accuracy
    swung between runs); decaying settles it.

    The same schedule as ``torch.optim.lr_scheduler.LinearLR(optimizer, 1.0, floor, (1 - floor) * total_steps)``
    (a test checks that), written in closed form: LinearLR needs a whole number of steps to the floor and builds
    each rate from the previous one, which drifts from the formula by about 1e-14.
    """
    if total_steps < 1:
        raise ValueError(f"total_steps must be at least 1, got {total_steps}")
    if not 0 <= floor < 1:
        raise ValueError(f"floor is a fraction of the peak rate in [0, 1), got {floor}")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(floor, 1 - step / total_steps))


def warmup_then_linear_decay(optimizer: torch.optim.Optimizer, total_steps: int,
                             warmup_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """BERT's schedule: the rate rises linearly from 0 to its peak over ``warmup_steps``, then falls linearly to 0
    at ``total_steps`` (Devlin et al., 2019, appendix A.2: 10,000 warm-up steps of 1,000,000)."""
    if total_steps < 1 or not 0 <= warmup_steps < total_steps:
        raise ValueError(f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}")

    def multiplier(step: int) -> float:
        if step < warmup_steps:
            return step / warmup_steps
        return max(0.0, (total_steps - step) / (total_steps - warmup_steps))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, multiplier)
