"""The architectures, one file per model and nothing else in it: each reads in one sitting.

- :mod:`.awd_lstm`: the AWD-LSTM language model inside ULMFiT (encoder + tied softmax, optionally adaptive);
- :mod:`.classifier`: a classifier on that encoder (concat pooling + head) and a linear probe;
- :mod:`.bilm`: ELMo's bidirectional LM (character CNN, forward and backward LSTMs, one softmax);
- :mod:`.scalar_mix`: ELMo's task-specific mix of the biLM's layers;
- :mod:`.task_model`: the downstream model of the baseline vs +ELMo comparison;
- :mod:`.glove`: GloVe's vectors and biases;
- :mod:`.bert`: BERT, its pre-training heads and a classifier on [CLS] (:mod:`.bert_checkpoint` maps its weights
  to and from Hugging Face checkpoints);
- :mod:`.pooling`: masked pooling over real tokens;
- :mod:`.ngram`, :mod:`.bag_of_words`: the baselines that cannot see far or see order.
"""

from torch import nn


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters (a frozen encoder's do not count)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
