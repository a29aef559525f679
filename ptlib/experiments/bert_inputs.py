"""What notebook 06 (BERT's inputs and masking) calls: encoding a pair, the embedding rows, WordPiece's treatment of
words, the masking view and widget, the [MASK]-only comparison, and parameter counts of the published sizes."""

from __future__ import annotations

import pandas as pd

from ..analysis.bert_inputs import embedding_parts, input_table, parameter_table, plot_embedding_parts
from ..analysis.masking_view import draw_masks, legend_html, masking_html, masking_widget, outcome_counts
from ..config import Sizes, sizes
from ..data import load_corpus
from ..data.batching import collate
from ..data.bert_inputs import encode_input, word_pieces
from ..data.masking import BERT_MASKING
from ..models import count_parameters
from ..models.bert import BertConfig, BertModel, parameter_breakdown
from ..pretrained import load as load_pretrained
from ..pretrained_bert import pretraining_pairs
from ..real_bert import RealBERT, RealBertUnavailable, load_real_bert
from ..train.bert import accuracy_by_outcome
from .published import BERT_CONFIGS

# The released BERTs' WordPiece vocabulary (uncased) and position count, with the configurations' 4 * hidden
# feed-forward width: what the published parameter counts assume.
PUBLISHED_VOCAB, PUBLISHED_POSITIONS = 30_522, 512
MASKING_RULES = {"80/10/10 (BERT)": "bert:80-10-10", "[MASK] only": "bert:mask-only"}


def published_configs() -> dict[str, BertConfig]:
    """BERT BASE and LARGE as :class:`BertConfig` s, from the paper's layers, hidden size and heads."""
    return {f"BERT {name}": BertConfig(vocab_size=PUBLISHED_VOCAB, hidden=c["hidden"], layers=c["layers"],
                                       heads=c["heads"], intermediate=4 * c["hidden"],
                                       max_positions=PUBLISHED_POSITIONS)
            for name, c in BERT_CONFIGS.items()}


def masking_comparison(run_sizes: Sizes, n_pairs: int, seed: int = 1, progress: bool = True) -> pd.DataFrame:
    """The registry's two BERTs (pre-trained alike but for the masking rule) on ``n_pairs`` held-out pairs, masked
    80/10/10: MLM accuracy by what the model read at the position, with pre-training time and accuracies."""
    corpus = load_corpus(n_sentences=run_sizes.corpus.sentences)
    rows = {}
    for label, name in MASKING_RULES.items():
        bert = load_pretrained(name, run_sizes, progress=progress)
        pairs = pretraining_pairs(corpus["validation"], bert.tokenizer, n_pairs, run_sizes.bert.max_length, seed)
        rows[label] = {**{f"read {outcome}": accuracy
                          for outcome, accuracy in accuracy_by_outcome(bert.model, pairs, seed=seed).items()},
                       "NSP accuracy": bert.nsp_accuracy, "pre-training s": bert.history.seconds}
    return pd.DataFrame(rows).T


def real_bert_summary(real: RealBERT, text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A real checkpoint beside the course's calculator: (its configuration and parameters, counted from its
    modules and from the configuration; each word of ``text`` with its real WordPiece pieces)."""
    encoder = real.model if isinstance(real.model, BertModel) else real.model.bert
    config = encoder.config
    facts = pd.Series({"folder": str(real.folder), "layers / hidden / heads": f"{config.layers} / {config.hidden} / "
                       f"{config.heads}", "vocabulary": f"{config.vocab_size:,}",
                       "encoder parameters, counted": f"{count_parameters(encoder):,}",
                       "encoder parameters, calculator": f"{sum(parameter_breakdown(config).values()):,}"})
    pieces = pd.DataFrame([{"word": found.word, "pieces": " ".join(found.pieces), "kind": found.kind}
                           for found in word_pieces(real.tokenizer, text)])
    return facts.to_frame("real checkpoint"), pieces


__all__ = ["BERT_CONFIGS", "BERT_MASKING", "collate", "draw_masks", "embedding_parts", "encode_input", "input_table",
           "legend_html", "load_corpus", "load_pretrained", "masking_comparison", "masking_html", "masking_widget",
           "outcome_counts", "parameter_table", "plot_embedding_parts", "pretraining_pairs", "published_configs",
           "RealBertUnavailable", "load_real_bert", "real_bert_summary", "sizes", "word_pieces"]
