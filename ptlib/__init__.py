"""ptlib: the helper package of the pre-training + fine-tuning course kit.

Each module holds one concept and is small enough to read in one sitting:

- ``config``: the run mode (quick/full) and every size that depends on it
- ``runtime``: device choice and seeding
- ``cache``: an on-disk cache of trained models and derived data, keyed by configuration
- ``training``: a small training loop with progress bars and a plottable history
- ``data``: the front door to every corpus, task and probe; ``microworld``: the generated corpus;
  ``realdata``: WikiText, IMDb and GLUE through ``datasets``
- ``vocab``, ``wordpiece``: the word-level and sub-word tokenisers
- ``ngram``, ``bag_of_words``: the baselines that cannot see far or see order
- ``awd_lstm``: the language model; ``language_model``: training it and asking it for next words;
  ``pretrained``: the course's cached pre-trained models
- ``classifier``: a classifier on an encoder (from scratch, frozen features, fine-tuned); ``ulmfit``: STLR,
  discriminative rates, gradual unfreezing
- ``bilm``: ELMo's bidirectional LM (character CNN, forward and backward LSTMs, one softmax); ``elmo``: the
  cached pre-trained biLM, scalar mix, contextual vectors, layer probes, task models with and without ELMo
- ``glove``: global word vectors (one per word type); ``neighbours``: cosine neighbours of words and of
  occurrences, 1-NN sense accuracy, projections; ``explorer``: the global-vs-contextual explorer widget
- ``experiments``: learning curves over sizes and seeds; ``published``: the lecture's published figures
- ``exercises``: the check functions of the notebooks' exercises
"""

__version__ = "0.1.0"
