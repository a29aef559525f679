"""How the models learn: the one training loop (:mod:`.loop`), the losses (:mod:`.objectives`), schedules
(:mod:`.schedules`), and one module per recipe: language models (:mod:`.language_model`), classifiers
(:mod:`.classifier`), ULMFiT's techniques and stages (:mod:`.ulmfit`), the biLM (:mod:`.bilm`), GloVe
(:mod:`.glove`) and the ELMo task model (:mod:`.task_model`)."""
