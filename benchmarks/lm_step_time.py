"""What one training step of the course's LSTM language model costs, by vocabulary size and CPU threads.

The softmax over the vocabulary dominates a small LM's step, so the vocabulary a corpus needs decides how long
pre-training takes: this times the whole step (forward, loss, backward, Adam) of the full-mode recipe's model
(one layer, 128/256 wide, batch 16 x 32 tokens) on random token ids. Nothing else should be running.

Run: ``python benchmarks/lm_step_time.py`` (about a minute).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib.config import FULL  # noqa: E402
from ptlib.models.awd_lstm import AWDLSTMLanguageModel, LMConfig  # noqa: E402

VOCABULARIES = (3_400, 6_500, 9_400)  # the old micro-world's, the new one's at min count 5, and at min count 2
STEPS = 20


def step_ms(vocab_size: int) -> float:
    recipe = FULL.lm
    config = LMConfig(vocab_size, recipe.embedding, recipe.hidden, recipe.layers, 0.0, 0.0, 0.0, 0.0, 0.0)
    model = AWDLSTMLanguageModel(config)
    optimizer = torch.optim.Adam(model.parameters(), recipe.lr)
    tokens = torch.randint(0, vocab_size, (recipe.batch_size, recipe.bptt + 1))

    def step() -> None:
        output = model(tokens[:, :-1])
        logits = output[0] if isinstance(output, tuple) else output
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab_size), tokens[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(3):  # warm-up
        step()
    started = time.perf_counter()
    for _ in range(STEPS):
        step()
    return 1000 * (time.perf_counter() - started) / STEPS


def main() -> None:
    torch.manual_seed(0)
    figures: dict[str, float] = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for vocab_size in VOCABULARIES:
            figures[f"ms_per_step_vocab{vocab_size}_threads{threads}"] = round(step_ms(vocab_size), 1)
    write_results("lm_step_time", figures)


if __name__ == "__main__":
    main()
