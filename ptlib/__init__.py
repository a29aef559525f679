"""ptlib: the helper package of the pre-training + fine-tuning course kit.

Each module holds one concept and is small enough to read in one sitting:

- ``config``: the run mode (quick/full) and every size that depends on it
- ``runtime``: device choice and seeding
- ``cache``: an on-disk cache of trained models and derived data, keyed by configuration
- ``training``: a small training loop with progress bars and a plottable history
"""

__version__ = "0.1.0"
