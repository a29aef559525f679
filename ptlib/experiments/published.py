"""Published figures the lecture quotes, with their sources, for the notebooks to plot beside our own.

Every table here is copied from the lecture slides (LING 574, *Pre-training + Fine-tuning Paradigm, I*),
which take them from the papers named in ``source``.
"""

from __future__ import annotations

SUPERGLUE_SOURCE = "SuperGLUE leaderboard (super.gluebenchmark.com), as shown in the lecture"
# (rank, team, model, overall score); the human baseline ranks 8th.
SUPERGLUE_LEADERBOARD: tuple[tuple[int, str, str, float], ...] = (
    (1, "JDExplore d-team", "Vega v2", 91.3),
    (2, "Liam Fedus", "ST-MoE-32B", 91.2),
    (3, "Microsoft Alexander v-team", "Turing NLR v5", 90.9),
    (4, "ERNIE Team - Baidu", "ERNIE 3.0", 90.6),
    (5, "Yi Tay", "PaLM 540B", 90.4),
    (6, "Zirui Wang", "T5 + UDG, Single Model (Google Brain)", 90.4),
    (7, "DeBERTa Team - Microsoft", "DeBERTa / TuringNLRv4", 90.3),
    (8, "SuperGLUE Human Baselines", "SuperGLUE Human Baselines", 89.8),
    (9, "T5 Team - Google", "T5", 89.3),
    (10, "SPoT Team - Google", "Frozen T5 1.1 + SPoT", 89.2),
    (11, "Huawei Noah's Ark Lab", "NEZHA-Plus", 86.7),
    (12, "Alibaba PAI&ICBU", "PAI Albert", 86.1),
    (13, "Infosys : DAWN : AI Research", "RoBERTa-iCETS", 86.0),
    (14, "Tencent Jarvis Lab", "RoBERTa (ensemble)", 85.9),
    (15, "Zhuiyi Technology", "RoBERTa-mtl-adv", 85.7),
    (16, "Facebook AI", "RoBERTa", 84.6),
)
SUPERGLUE_HUMAN = 89.8

ULMFIT_SOURCE = "Howard & Ruder (2018), Universal Language Model Fine-tuning for Text Classification, ACL"
# test error rates (%), lower is better
ULMFIT_TEST_ERROR: dict[str, dict[str, float]] = {
    "IMDb": {"CoVe (McCann et al., 2017)": 8.2, "oh-LSTM (Johnson and Zhang, 2016)": 5.9,
             "Virtual (Miyato et al., 2016)": 5.9, "ULMFiT": 4.6},
    "TREC-6": {"CoVe (McCann et al., 2017)": 4.2, "TBCNN (Mou et al., 2015)": 4.0,
               "LSTM-CNN (Zhou et al., 2016)": 3.9, "ULMFiT": 3.6},
}

BERT_SOURCE = "Devlin et al. (2019), BERT: Pre-training of Deep Bidirectional Transformers, NAACL"
BERT_CONFIGS = {
    "BASE": {"layers": 12, "hidden": 768, "heads": 12, "parameters": 110_000_000},
    "LARGE": {"layers": 24, "hidden": 1024, "heads": 16, "parameters": 340_000_000},
}
# GLUE test results; MNLI is matched/mismatched accuracy.
BERT_GLUE_COLUMNS = ("MNLI-(m/mm)", "QQP", "QNLI", "SST-2", "CoLA", "STS-B", "MRPC", "RTE", "Average")
BERT_GLUE: dict[str, tuple[str | float, ...]] = {
    "Pre-OpenAI SOTA": ("80.6/80.1", 66.1, 82.3, 93.2, 35.0, 81.0, 86.0, 61.7, 74.0),
    "BiLSTM+ELMo+Attn": ("76.4/76.1", 64.8, 79.8, 90.4, 36.0, 73.3, 84.9, 56.8, 71.0),
    "OpenAI GPT": ("82.1/81.4", 70.3, 87.4, 91.3, 45.4, 80.0, 82.3, 56.0, 75.1),
    "BERT BASE": ("84.6/83.4", 71.2, 90.5, 93.5, 52.1, 85.8, 88.9, 66.4, 79.6),
    "BERT LARGE": ("86.7/85.9", 72.1, 92.7, 94.9, 60.5, 86.5, 89.3, 70.1, 82.1),
}
# Model size ablation: (#layers, hidden, heads) -> (LM perplexity, MNLI-m, MRPC, SST-2) dev accuracy.
BERT_SIZE_ABLATION: tuple[tuple[int, int, int, float, float, float, float], ...] = (
    (3, 768, 12, 5.84, 77.9, 79.8, 88.4),
    (6, 768, 3, 5.24, 80.6, 82.2, 90.7),
    (6, 768, 12, 4.68, 81.9, 84.8, 91.3),
    (12, 768, 12, 3.99, 84.4, 86.7, 92.9),
    (12, 1024, 16, 3.54, 85.7, 86.9, 93.3),
    (24, 1024, 16, 3.23, 86.6, 87.8, 93.7),
)
# Pre-training task ablation (dev set): MNLI-m, QNLI, MRPC, SST-2 accuracy and SQuAD F1.
BERT_TASK_ABLATION: dict[str, tuple[float, float, float, float, float]] = {
    "BERT BASE": (84.4, 88.4, 86.7, 92.7, 88.5),
    "No NSP": (83.9, 84.9, 86.5, 92.6, 87.9),
    "LTR & No NSP": (82.1, 84.3, 77.5, 92.1, 77.8),
    "+ BiLSTM": (82.1, 84.1, 75.7, 91.6, 84.9),
}
BERT_PRETRAINING = {
    "corpus_words": {"BooksCorpus": 800_000_000, "English Wikipedia": 2_500_000_000},
    "masked_fraction": 0.15, "replace_with_mask": 0.8, "replace_with_random": 0.1, "keep": 0.1,
    "sequence_length": "128 tokens for the first 90% of steps, 512 for the last 10%",
    "steps": 1_000_000, "batch_size": 256,
}

ELMO_SOURCE = "Peters et al. (2018), Deep Contextualized Word Representations, NAACL (table 4)"
# Nearest neighbours of "play": GloVe's for the word type; the biLM's for a use of it in a sentence
# (source sentence -> its nearest neighbour sentence), as the lecture shows them.
ELMO_PLAY_GLOVE_NEIGHBOURS = ("playing", "game", "games", "played", "players", "plays", "player", "Play",
                              "football", "multiplayer")
ELMO_PLAY_BILM_NEIGHBOURS = (
    ("Chico Ruiz made a spectacular play on Alusik's grounder ...",
     "Kieffer, the only junior in the group, was commended for his ability to hit in the clutch, as well as "
     "his all-round excellent play."),
    ("Olivia De Havilland signed to do a Broadway play for Garson ...",
     "... they were actors who had been handed fat roles in a successful play, and had talent enough to fill "
     "the roles competently, with nice understatement."),
)
