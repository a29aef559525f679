"""What notebook 03 (ULMFiT) calls: the sentiment task, stages 1 and 2 from the registry, ULMFiT's schedules, the
ablation variants, learning curves, and the paper's figures."""

from ..config import sizes
from ..data import load_corpus, load_task, review_texts
from ..data.batching import encode_task
from ..data.streams import steps_per_epoch, token_stream
from ..pretrained import load as load_pretrained
from ..train.classifier import predict_texts
from ..train.language_model import stream_perplexity
from ..train.ulmfit import DISCRIMINATIVE_FACTOR, stlr_multiplier
from .ablations import FROM_SCRATCH, ULMFIT, VARIANTS, Variant, language_models, run_variant, variant
from .published import ULMFIT_SOURCE, ULMFIT_TEST_ERROR
from .sweeps import learning_curve, plot_learning_curves, subsample, summarise

__all__ = ["DISCRIMINATIVE_FACTOR", "FROM_SCRATCH", "ULMFIT", "ULMFIT_SOURCE", "ULMFIT_TEST_ERROR", "VARIANTS",
           "Variant", "encode_task", "language_models", "learning_curve", "load_corpus", "load_pretrained",
           "load_task", "plot_learning_curves", "predict_texts", "review_texts", "run_variant", "sizes",
           "steps_per_epoch", "stlr_multiplier", "stream_perplexity", "subsample", "summarise", "token_stream",
           "variant"]
