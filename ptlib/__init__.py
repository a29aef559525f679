"""ptlib: the helper package of the pre-training + fine-tuning course kit.

Layers, each importing only from the layers below it (``tests/test_layers.py`` checks this):

- ``experiments`` and ``exercises``: what the notebooks call (one module per notebook), learning curves over
  seeds, ULMFiT's ablations, the lecture's published figures; the exercises' check functions
- ``analysis``: looking inside trained models (next-word queries, biLM features, probes, neighbours, the explorer)
- ``pretrained``: the one registry of cached pre-trained models, ``load(name)``
- ``train``: the one training and evaluation loop, the losses, schedules, and one recipe per model
- ``models``: architectures only, one file per model (AWD-LSTM, classifier, biLM, scalar mix, task model, GloVe,
  pooling, the n-gram and bag-of-words baselines)
- ``data``: the micro-world generator, real data sets, vocabularies and WordPiece, batching, LM streams
- ``config``, ``runtime``, ``cache``, ``arguments``: run modes and sizes, device and seeding, the on-disk cache,
  the checks of arguments that name what is wrong
"""

__version__ = "0.1.0"
