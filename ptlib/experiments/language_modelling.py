"""What notebook 02 (language modelling as pre-training) calls: the corpus and probes, the pre-trained LM, the
n-gram baselines, and the LM's next-word choices."""

from ..analysis.facts import facts_by_mentions
from ..analysis.lm_queries import choose, prefers
from ..config import sizes
from ..data import load_corpus, load_probe
from ..models.ngram import NgramLM
from ..pretrained import PretrainedLM
from ..pretrained import load as load_pretrained

__all__ = ["NgramLM", "PretrainedLM", "choose", "facts_by_mentions", "load_corpus", "load_pretrained", "load_probe",
           "prefers", "sizes"]
