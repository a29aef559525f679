"""Pre-training throughput of ptlib's BERT against transformers' BertForPreTraining, at the course's configuration.

Both models get the same weights (ptlib's, exported in the Hugging Face format and loaded by transformers), the same
masked batches of WordPiece-encoded sentence pairs and the same optimiser. First the losses are checked equal
(dropout off); then each trains the same steps, timed in alternating rounds so that the machine's drift hits both
alike. Reported: training tokens per second of each and their ratio, and the achieved FLOP/s (counted by
``torch.utils.flop_counter``) as a share of this machine's measured float32 matrix-multiply rate.

The difference is honest and readable: ptlib runs the MLM head (a hidden x vocabulary matrix) only at the 15% of
positions chosen for prediction, transformers at every position. Nothing else should be running.

Run: ``python benchmarks/bert_throughput.py [--steps 40] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch
import transformers
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from ptlib import config  # noqa: E402
from ptlib.data import load_corpus  # noqa: E402
from ptlib.data.masking import IGNORE  # noqa: E402
from ptlib.data.wordpiece import train_wordpiece  # noqa: E402
from ptlib.models.bert import BertForPreTraining  # noqa: E402
from ptlib.models.bert_checkpoint import save_hf_bert  # noqa: E402
from ptlib.pretrained_bert import bert_architecture, pretraining_pairs  # noqa: E402
from ptlib.train.bert import masked_batches, pretraining_loss  # noqa: E402


def reference_loss(model: transformers.BertForPreTraining, batch: dict) -> torch.Tensor:
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                token_type_ids=batch["token_type_ids"], labels=batch["mlm_labels"],
                next_sentence_label=batch["labels"])
    return out.loss


def ours_loss(model: BertForPreTraining, batch: dict) -> torch.Tensor:
    return pretraining_loss(model, batch)


def train_steps(model: torch.nn.Module, loss_fn, batches: list[dict]) -> float:
    """Seconds for one optimiser step per batch (forward, backward, AdamW)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()
    started = time.perf_counter()
    for batch in batches:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model, batch).backward()
        optimizer.step()
    return time.perf_counter() - started


def step_flops(model: torch.nn.Module, loss_fn, batch: dict) -> int:
    counter = FlopCounterMode(display=False)
    with counter:
        loss_fn(model, batch).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops()


def matmul_rate(size: int = 1024, repeats: int = 20) -> float:
    """This machine's float32 matrix-multiply rate in FLOP/s (best of a few timings)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeats):
            a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 * repeats / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per model per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    recipe = config.FULL.bert
    corpus = load_corpus(n_sentences=20_000)
    tokenizer = train_wordpiece(corpus["train"]["text"][:], vocab_size=recipe.wordpiece_vocab)
    pairs = pretraining_pairs(corpus["train"], tokenizer, args.steps * recipe.batch_size, recipe.max_length, seed=0)
    batches = list(masked_batches(pairs, recipe.batch_size, tokenizer.get_vocab_size(), seed=0)(0))
    for batch in batches:  # transformers reads the chosen positions from labels with IGNORE elsewhere, as we do
        assert int((batch["mlm_labels"] != IGNORE).sum()) > 0

    torch.manual_seed(0)
    ours = BertForPreTraining(bert_architecture(tokenizer.get_vocab_size(), recipe))
    with tempfile.TemporaryDirectory() as folder:
        save_hf_bert(ours, folder)
        reference = transformers.BertForPreTraining.from_pretrained(folder, attn_implementation="sdpa")
    ours.eval(), reference.eval()
    with torch.no_grad():
        loss_ours, loss_reference = ours_loss(ours, batches[0]).item(), reference_loss(reference, batches[0]).item()
    assert abs(loss_ours - loss_reference) < 1e-4, (loss_ours, loss_reference)

    tokens = sum(int(batch["attention_mask"].sum()) for batch in batches)
    flops = {"ours": step_flops(ours, ours_loss, batches[0]),
             "transformers": step_flops(reference, reference_loss, batches[0])}
    seconds = {"ours": [], "transformers": []}
    train_steps(ours, ours_loss, batches[:3]), train_steps(reference, reference_loss, batches[:3])  # warm-up
    for _ in range(args.rounds):
        seconds["ours"].append(train_steps(ours, ours_loss, batches))
        seconds["transformers"].append(train_steps(reference, reference_loss, batches))
    rate = matmul_rate()
    best = {name: min(times) for name, times in seconds.items()}
    figures = {
        "configuration": {"hidden": recipe.hidden, "layers": recipe.layers, "heads": recipe.heads,
                          "intermediate": recipe.intermediate, "wordpiece_vocab": tokenizer.get_vocab_size(),
                          "max_length": recipe.max_length, "batch_size": recipe.batch_size},
        "steps_per_round": len(batches), "rounds": args.rounds, "tokens_per_round": tokens,
        "loss_ours": round(loss_ours, 5), "loss_transformers": round(loss_reference, 5),
        "tokens_per_second": {name: round(tokens / t) for name, t in best.items()},
        "speed_ratio": round(best["transformers"] / best["ours"], 2),
        "flops_per_step_first_batch": flops,
        "matmul_gflops": round(rate / 1e9, 1),
        "achieved_share_of_matmul_rate": {
            name: round(flops[name] * len(batches) / best[name] / rate, 3) for name in best},
        "transformers_version": transformers.__version__,
    }
    write_results("bert_throughput", figures)


if __name__ == "__main__":
    main()
