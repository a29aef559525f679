"""What notebook 01 (standard vs transfer learning) calls: the tasks, the AWD-LSTM classifier trained from
scratch, on frozen features or fine-tuned, the pre-trained encoder, learning curves and the SuperGLUE board."""

from ..analysis.metrics import majority_rate, task_scores
from ..analysis.probes import probe_accuracy, probe_predictions
from ..config import sizes
from ..data import GENERATED_TASKS, course_vocab, load_task
from ..data.batching import encode_task
from ..models import count_parameters
from ..models.awd_lstm import AWDLSTMEncoder
from ..models.classifier import LSTMClassifier
from ..pretrained import lm_architecture
from ..pretrained import load as load_pretrained
from ..train.classifier import accuracy, predict, train_classifier
from .published import SUPERGLUE_HUMAN, SUPERGLUE_LEADERBOARD
from .sweeps import learning_curve, plot_learning_curves, summarise

__all__ = ["GENERATED_TASKS", "SUPERGLUE_HUMAN", "SUPERGLUE_LEADERBOARD", "AWDLSTMEncoder", "LSTMClassifier",
           "accuracy", "count_parameters", "course_vocab", "encode_task", "learning_curve", "lm_architecture",
           "load_pretrained", "load_task", "majority_rate", "plot_learning_curves", "predict", "probe_accuracy",
           "probe_predictions", "sizes", "summarise", "task_scores", "train_classifier"]
