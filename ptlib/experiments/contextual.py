"""What notebook 05 (global vs contextual vectors) calls: the ambiguous words, GloVe and the biLM from the registry,
cosine neighbours, 1-NN sense accuracy, projections and the explorer widget."""

from ..analysis.explorer import build_state, explorer_widget
from ..analysis.features import contextual_embedder, layers_at
from ..analysis.neighbours import OccurrenceIndex, WordIndex, plot_projection, project_occurrences, sense_accuracy_table
from ..config import sizes
from ..data import load_corpus, load_probe
from ..data.microworld.lexicon import SENSES
from ..pretrained import load as load_pretrained
from .published import ELMO_PLAY_BILM_NEIGHBOURS, ELMO_PLAY_GLOVE_NEIGHBOURS

__all__ = ["ELMO_PLAY_BILM_NEIGHBOURS", "ELMO_PLAY_GLOVE_NEIGHBOURS", "SENSES", "OccurrenceIndex", "WordIndex",
           "build_state", "contextual_embedder", "explorer_widget", "layers_at", "load_corpus",
           "load_pretrained", "load_probe", "plot_projection", "project_occurrences", "sense_accuracy_table",
           "sizes"]
