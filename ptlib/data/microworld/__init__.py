"""Micro-world: a generated corpus in which every claim of the lecture has ground truth.

- :mod:`.lexicon` the real words: classes of nouns, verbs and adjectives, topics and senses, sentiment, reviews
- :mod:`.world` the invented vocabulary, entities and facts of one seed (one wording held out per fact)
- :mod:`.grammar` a small compositional grammar; :mod:`.sentences` one generator per phenomenon, each returning
  text plus its ground truth; :mod:`.reviews` the target domain
- :mod:`.corpus` documents and ``datasets`` objects; :mod:`.tasks` the labelled tasks; :mod:`.probes` the probes;
  :mod:`.nsp` sentence pairs for next-sentence prediction
"""

from .corpus import general_corpus, generate_documents, unlabelled_reviews
from .world import World, build_world

# Bump whenever a change to the generators changes the text they make: it is part of every pre-trained model's
# cache key, so that no model trained on another world's text is ever reused.
WORLD_VERSION = 2

__all__ = ["WORLD_VERSION", "World", "build_world", "general_corpus", "generate_documents", "unlabelled_reviews"]
