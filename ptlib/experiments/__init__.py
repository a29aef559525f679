"""The experiments the notebooks run: one module per notebook (what it calls), learning curves over sizes and
seeds (:mod:`.sweeps`), ULMFiT's ablation variants (:mod:`.ablations`), and the lecture's published figures
(:mod:`.published`)."""
