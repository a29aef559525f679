"""Looking inside trained models: an LM's next-word choices (:mod:`.lm_queries`), a frozen biLM's features
(:mod:`.features`), linear probes (:mod:`.probes`), cosine neighbours and projections (:mod:`.neighbours`), and
the global-vs-contextual explorer widget (:mod:`.explorer`)."""
