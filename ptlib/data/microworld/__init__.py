"""Micro-world: a generated corpus in which every claim of the lecture has ground truth.

- :mod:`.lexicon` the word lists (nouns with their number, polar adjectives, senses of ambiguous words ...)
- :mod:`.world` invented entities, their facts, and the paraphrase templates (one held out per fact)
- :mod:`.sentences` one generator per phenomenon, each returning text plus its ground truth
- :mod:`.corpus` documents and ``datasets`` objects
"""

from .corpus import general_corpus, generate_documents, unlabelled_reviews
from .world import World, build_world

__all__ = ["World", "build_world", "general_corpus", "generate_documents", "unlabelled_reviews"]
