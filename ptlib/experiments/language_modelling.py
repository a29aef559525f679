"""What notebook 02 (language modelling as pre-training) calls: the corpus and probes, the pre-trained LM, the
n-gram baselines and their perplexity, and the LM's next-word choices."""

from __future__ import annotations

from collections.abc import Sequence

from ..analysis.facts import facts_by_mentions
from ..analysis.lm_queries import choose, prefers
from ..config import sizes
from ..data import load_corpus, load_probe
from ..data.streams import token_stream
from ..data.vocab import Vocab
from ..models.ngram import NgramLM
from ..pretrained import PretrainedLM
from ..pretrained import load as load_pretrained

__all__ = ["NgramLM", "PretrainedLM", "choose", "facts_by_mentions", "load_corpus", "load_pretrained", "load_probe",
           "ngram_perplexities", "prefers", "sizes", "stream_words"]

NGRAM_NAMES = {1: "unigram", 2: "bigram", 3: "trigram"}


def stream_words(texts: Sequence[str], vocab: Vocab) -> list[str]:
    """The texts as the LM reads them: one stream of its vocabulary's tokens, rarer words as its unknown token."""
    return [vocab.id_to_token(i) for i in token_stream(texts, vocab).tolist()]


def ngram_perplexities(vocab: Vocab, train_texts: Sequence[str], validation_texts: Sequence[str],
                       orders: Sequence[int] = (2, 3), smoothing: str = "kneser-ney") -> dict[str, float]:
    """Each n-gram model's perplexity on the validation texts, fitted on the training texts, both read over the LM's
    vocabulary (:func:`stream_words`) so that the figures compare with the LM's own validation perplexity."""
    train, validation = stream_words(train_texts, vocab), stream_words(validation_texts, vocab)
    return {NGRAM_NAMES.get(order, f"{order}-gram"): NgramLM(order, smoothing=smoothing).fit([" ".join(train)])
            .perplexity(validation) for order in orders}
