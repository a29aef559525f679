"""How many realistic bugs the test suite catches: a mutation check over ptlib's models, training, data and analysis.

A fixed list of planted bugs (mutants), each one the kind of slip that has happened or easily could: a wrong
direction, an off-by-one shift, a mask ignored, a switch ignored, train/eval mode, a wrong normaliser, a leaked
label, a formula written down wrong. Each mutant is an exact ``old`` snippet of one file under ``ptlib/`` and the
``new`` text that replaces it, with the test files that should notice.

How it runs: ``ptlib/``, ``tests/`` and ``pyproject.toml`` are copied once into a temporary folder. Each test file
the mutants name is first run there unmutated (a red baseline would make every mutant look caught, so it stops
the run). Then, one mutant at a time, the mutated file is written into the copy, the mutant's test files are run
with ``python -m pytest -x`` (``PYTHONPATH`` pointing at the copy, ``PTLIB_MODE=quick``, a fresh ``PTLIB_CACHE``,
one thread, a time limit), and the file is restored. A mutant is *caught* when the tests fail, *SURVIVED* when they
pass; a run past the time limit is reported as *timed out* and a run that errors before any test (pytest exit
status 2 or more) as *error*, neither counted as caught.

Measures: mutants caught out of mutants planted, and the wall time of the whole check.

Run: ``.venv/bin/python benchmarks/mutation.py`` (all mutants, writes ``benchmarks/results/mutation.json``; 27 to
40 minutes on a shared 2-core CPU), ``--only NAME[,NAME...]`` for some mutants (nothing written), ``--list`` to
list them, ``--check`` to check that every snippet applies without running any test. The exit status is non-zero
when a mutant is not caught.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402 - benchmarks/ is not a package

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("direction", "shift", "mask", "switch", "mode", "normaliser", "leak", "formula")
TIMEOUT_S = 300


@dataclass(frozen=True)
class Mutant:
    name: str
    kind: str  # one of KINDS
    file: str  # relative to ptlib/
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # test files (relative to tests/) that should catch it


def _m(name: str, kind: str, file: str, old: str, new: str, *tests: str) -> Mutant:
    return Mutant(name, kind, file, old, new, tuple(tests))


AWD, BILM, CLASSIFIER, ELMO, GLOVE = "test_awd_lstm.py", "test_bilm.py", "test_classifier.py", "test_elmo.py", \
    "test_glove.py"
LOOP, LM, ULMFIT, MICROWORLD = "test_loop.py", "test_language_model.py", "test_ulmfit.py", "test_microworld.py"
METRICS, BERT, MASKING = "test_metrics.py", "test_bert.py", "test_masking.py"
BERT_TRAINING = "test_bert_training.py"

MUTANTS: tuple[Mutant, ...] = (
    # --- models/awd_lstm.py: the adaptive softmax ------------------------------------------------------------------
    _m("adaptive_softmax_cluster_probability_dropped", "formula", "models/awd_lstm.py",
       "-(head[rows, head_size + c] + picked)", "-picked", AWD, LM),
    _m("adaptive_softmax_clusters_shifted", "shift", "models/awd_lstm.py",
       "parts.append(head[:, head_size + c, None]", "parts.append(head[:, head_size + c - 1, None]", AWD, LM),
    _m("adaptive_loss_counts_padding", "mask", "train/objectives.py",
       "nll = softmax(hidden[keep], labels[keep])", "nll = softmax(hidden.flatten(0, 1), labels.flatten())", LM),
    # --- analysis/metrics.py -----------------------------------------------------------------------------------------
    _m("f1_counts_true_negatives", "formula", "analysis/metrics.py",
       "tp = int(((p == positive) & (y == positive)).sum())", "tp = int((p == y).sum())", METRICS),
    _m("mcc_margins_swapped", "formula", "analysis/metrics.py",
       "(tp * tn - fp * fn)", "(tp * fn - fp * tn)", METRICS),
    # --- data/masking.py -------------------------------------------------------------------------------------------
    _m("masking_chooses_padding", "mask", "data/masking.py",
       "candidates = attention_mask.bool() & (input_ids >= first_word_id)", "candidates = input_ids >= 0", MASKING),
    _m("masking_never_keeps_a_chosen_token", "formula", "data/masking.py",
       "(draw < rule.mask + rule.random)", "(draw <= 1)", MASKING),
    _m("masking_labels_everywhere", "mask", "data/masking.py",
       "torch.where(chosen, input_ids, IGNORE)", "input_ids.clone()", MASKING),
    _m("masking_static_is_dynamic", "switch", "data/masking.py",
       "epoch if dynamic else 0", "epoch", MASKING),
    # --- train/bert.py, train/schedules.py ---------------------------------------------------------------------------
    _m("bert_nsp_switch_ignored", "switch", "train/bert.py",
       "if nsp else loss", "if True else loss", BERT_TRAINING),
    _m("bert_classifier_ignores_the_pretrained_encoder", "switch", "train/bert.py",
       "    if pretrained is not None:\n        model.bert", "    if False:\n        model.bert", BERT_TRAINING),
    _m("bert_fine_tuning_without_segments", "switch", "train/bert.py",
       'logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])',
       'logits = model(batch["input_ids"], batch["attention_mask"])', BERT_TRAINING),
    _m("bert_warmup_skipped", "switch", "train/schedules.py",
       "        if step < warmup_steps:", "        if False:", BERT_TRAINING),
    _m("bert_masks_never_redrawn", "switch", "train/bert.py",
       "masking_generator(seed, example, epoch, dynamic)", "masking_generator(seed, example, 0, dynamic)",
       BERT_TRAINING),
    # --- models/bert.py -------------------------------------------------------------------------------------------
    _m("bert_padding_attended", "mask", "models/bert.py",
       "attn_mask=keep,", "attn_mask=None,", BERT),
    _m("bert_segments_ignored", "switch", "models/bert.py",
       "self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)",
       "self.word_embeddings(input_ids)", BERT),
    _m("bert_norm_before_residual", "formula", "models/bert.py",
       "return self.LayerNorm(residual + self.dropout(self.dense(x)))",
       "return residual + self.LayerNorm(self.dropout(self.dense(x)))", BERT),
    _m("bert_attention_dropout_in_eval", "mode", "models/bert.py",
       "dropout_p=self.dropout_p if self.training else 0.0", "dropout_p=self.dropout_p", BERT),
    # --- models/awd_lstm.py ----------------------------------------------------------------------------------------
    _m("awd_embedding_dropout_not_rescaled", "normaliser", "models/awd_lstm.py",
       "keep = weight.new_empty(weight.size(0), 1).bernoulli_(1 - p) / (1 - p)",
       "keep = weight.new_empty(weight.size(0), 1).bernoulli_(1 - p)", AWD),
    _m("awd_embedding_dropout_in_eval", "mode", "models/awd_lstm.py",
       "    if training and p > 0:", "    if p > 0:", AWD),
    _m("awd_locked_dropout_new_mask_each_step", "mask", "models/awd_lstm.py",
       "mask = x.new_empty(x.size(0), 1, x.size(2))", "mask = x.new_empty(x.size(0), x.size(1), x.size(2))", AWD),
    _m("awd_weight_drop_in_eval", "mode", "models/awd_lstm.py",
       "p = self.weight_dropout if self.training else 0.0", "p = self.weight_dropout", AWD),
    _m("awd_carried_state_ignored", "switch", "models/awd_lstm.py",
       "x, layer_state = rnn(x, None if state is None else state[index])", "x, layer_state = rnn(x, None)", AWD),
    # --- models/bilm.py --------------------------------------------------------------------------------------------
    _m("bilm_backward_lm_reads_unreversed_input", "direction", "models/bilm.py",
       "self.backward_lm(reverse_padded(x, lengths))", "self.backward_lm(x)", BILM),
    _m("bilm_backward_states_not_reversed_back", "direction", "models/bilm.py",
       "tuple(reverse_padded(h, lengths) for h in", "tuple(h for h in", BILM),
    _m("bilm_backward_targets_are_next_words", "direction", "models/bilm.py",
       "backward[:, 1:] = words[:, :-1].masked_fill", "backward[:, :-1] = words[:, 1:].masked_fill", BILM),
    _m("bilm_backward_targets_mask_ignored", "mask", "models/bilm.py",
       "backward[:, 1:] = words[:, :-1].masked_fill(~(mask[:, 1:] & mask[:, :-1]), PAD_ID)",
       "backward[:, 1:] = words[:, :-1]", BILM),
    _m("bilm_residual_connection_missing", "formula", "models/bilm.py",
       "return h1, h2 + h1", "return h1, h2", BILM),
    _m("bilm_token_layer_norm_missing", "normaliser", "models/bilm.py",
       "return F.layer_norm(x, x.shape[-1:])", "return x", BILM),
    _m("bilm_highway_gate_swapped", "direction", "models/bilm.py",
       "x = gate * F.relu(transform) + (1 - gate) * x", "x = (1 - gate) * F.relu(transform) + gate * x", BILM),
    _m("bilm_word_mask_off_by_one", "shift", "models/bilm.py",
       'lengths = batch["attention_mask"].sum(1) - 2', 'lengths = batch["attention_mask"].sum(1) - 1', BILM),
    # --- models/pooling.py -----------------------------------------------------------------------------------------
    _m("pool_last_reads_padding", "mask", "models/pooling.py",
       '"last": lambda: outputs[torch.arange(outputs.size(0)), lengths - 1],', '"last": lambda: outputs[:, -1],',
       CLASSIFIER),
    _m("pool_max_mask_ignored", "mask", "models/pooling.py",
       'outputs.masked_fill(~real, float("-inf")).max(1).values', "outputs.max(1).values", CLASSIFIER),
    _m("pool_mean_divides_by_padded_length", "normaliser", "models/pooling.py",
       "(outputs * real).sum(1) / lengths.unsqueeze(-1)", "(outputs * real).sum(1) / outputs.size(1)", CLASSIFIER),
    # --- models/classifier.py --------------------------------------------------------------------------------------
    _m("probe_standardisation_missing", "normaliser", "models/classifier.py",
       "return self.linear((features - self.mean) / self.std)", "return self.linear(features)", CLASSIFIER),
    _m("classifier_bptt_state_not_carried", "formula", "models/classifier.py",
       "layer_outputs, state = self.encoder(input_ids[:, start : start + self.bptt], state)",
       "layer_outputs, state = self.encoder(input_ids[:, start : start + self.bptt])", CLASSIFIER),
    _m("classifier_grad_windows_off_by_one", "shift", "models/classifier.py",
       "index >= first_with_grad", "index > first_with_grad", CLASSIFIER),
    # --- models/task_model.py, models/scalar_mix.py ----------------------------------------------------------------
    _m("task_model_top_layer_is_the_bottom_one", "direction", "models/task_model.py",
       "self.mix(layers[-1:] if self.top_only else layers)", "self.mix(layers[:1] if self.top_only else layers)",
       ELMO),
    _m("task_model_bilstm_reads_padding", "mask", "models/task_model.py",
       "            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
       "            states, _ = pad_packed_sequence(self.encoder(packed)[0], batch_first=True, total_length=x.size(1))",
       "            states, _ = self.encoder(x)", ELMO),
    _m("task_model_layer_norm_switch_ignored", "switch", "models/task_model.py",
       "ScalarMix(1 if self.top_only else N_LAYERS, layer_norm)", "ScalarMix(1 if self.top_only else N_LAYERS)",
       ELMO),
    _m("scalar_mix_gamma_ignored", "formula", "models/scalar_mix.py",
       "return self.gamma * (weights * layers).sum(0)", "return (weights * layers).sum(0)", ELMO),
    _m("scalar_mix_weights_not_normalised", "normaliser", "models/scalar_mix.py",
       "weights = torch.softmax(self.scalars, 0).view(", "weights = torch.exp(self.scalars).view(", ELMO),
    # --- models/glove.py, train/glove.py ---------------------------------------------------------------------------
    _m("glove_vectors_without_context_vectors", "formula", "models/glove.py",
       "return (self.w + self.w_tilde).detach().cpu()", "return self.w.detach().cpu()", GLOVE),
    _m("glove_context_bias_of_the_row_word", "shift", "models/glove.py",
       "self.b[rows] + self.b_tilde[cols]", "self.b[rows] + self.b_tilde[rows]", GLOVE),
    _m("glove_training_pairs_a_word_with_itself", "shift", "train/glove.py",
       "m(rows[entries], cols[entries])", "m(rows[entries], rows[entries])", GLOVE),
    _m("glove_epoch_loss_per_batch_not_per_entry", "normaliser", "train/glove.py",
       "/ len(counts) for e in range(recipe.epochs)]", "/ per_epoch for e in range(recipe.epochs)]", GLOVE),
    # --- train/loop.py ---------------------------------------------------------------------------------------------
    _m("loop_clip_grad_value_ignored", "switch", "train/loop.py",
       "nn.utils.clip_grad_norm_(model.parameters(), clip_grad)", "nn.utils.clip_grad_norm_(model.parameters(), 1.0)",
       LOOP),
    _m("loop_clipping_never_applied", "switch", "train/loop.py",
       "        if clip_grad is not None:", "        if False:", LOOP),
    _m("loop_evaluate_batches_in_train_mode", "mode", "train/loop.py",
       "    model.eval()\n    try:", "    try:", LOOP),
    _m("loop_fit_evaluation_in_train_mode", "mode", "train/loop.py",
       "        model.eval()\n        with torch.no_grad():", "        with torch.no_grad():", LOOP),
    _m("loop_train_mode_not_restored_after_evaluation", "mode", "train/loop.py",
       "        model.train()\n        history.evaluations.append", "        history.evaluations.append", LOOP),
    _m("loop_evaluation_with_gradients", "mode", "train/loop.py",
       "@torch.no_grad()\ndef evaluate_batches", "def evaluate_batches", LOOP),
    _m("loop_accumulated_losses_summed_not_averaged", "normaliser", "train/loop.py",
       "scaled = loss / accumulate if accumulate > 1 else loss", "scaled = loss", LOOP),
    _m("loop_scheduler_never_stepped", "switch", "train/loop.py",
       "        if scheduler is not None:\n            scheduler.step()", "        pass", LOOP, ULMFIT),
    _m("loop_last_partial_accumulation_dropped", "shift", "train/loop.py",
       "if pending:  # an epoch", "if False:  # an epoch", LOOP),
    # --- train/objectives.py, train/schedules.py -------------------------------------------------------------------
    _m("next_token_loss_counts_padding", "mask", "train/objectives.py",
       "ignore_index=PAD_ID, ", "", LM),
    _m("glove_weighting_not_capped", "formula", "train/objectives.py",
       "torch.clamp(x / x_max, max=1.0) ** alpha", "(x / x_max) ** alpha", GLOVE),
    _m("glove_loss_against_raw_counts", "formula", "train/objectives.py",
       "(prediction - counts.log()) ** 2", "(prediction - counts) ** 2", GLOVE),
    _m("linear_decay_floor_ignored", "switch", "train/schedules.py",
       "lambda step: max(floor, 1 - step / total_steps)", "lambda step: max(0.0, 1 - step / total_steps)", ULMFIT),
    _m("linear_decay_one_step_ahead", "shift", "train/schedules.py",
       "lambda step: max(floor, 1 - step / total_steps)", "lambda step: max(floor, 1 - (step + 1) / total_steps)",
       ULMFIT),
    # --- train/ulmfit.py -------------------------------------------------------------------------------------------
    _m("stlr_decay_too_slow", "formula", "train/ulmfit.py",
       "p = max(0.0, 1 - (step - cut) / (cut * (1 / cut_frac - 1)))",
       "p = max(0.0, 1 - (step - cut) / (cut * (1 / cut_frac)))", ULMFIT),
    _m("discriminative_rates_upside_down", "direction", "train/ulmfit.py",
       "top_lr / factor ** (depth - 1 - index)", "top_lr / factor ** index", ULMFIT),
    _m("unfreezing_one_group_too_many", "shift", "train/ulmfit.py",
       "first_trainable = max(0, len(layer_groups) - trainable)",
       "first_trainable = max(0, len(layer_groups) - trainable - 1)", ULMFIT),
    _m("unfreezing_bottom_up", "direction", "train/ulmfit.py",
       "parameter.requires_grad = index >= first_trainable", "parameter.requires_grad = index < trainable", ULMFIT),
    _m("ulmfit_gradual_switch_ignored", "switch", "train/ulmfit.py",
       "stages = range(1, len(groups) + 1) if gradual else [len(groups)]", "stages = range(1, len(groups) + 1)",
       ULMFIT),
    _m("ulmfit_slanted_switch_ignored", "switch", "train/ulmfit.py",
       "return slanted_triangular(optimizer, total_steps) if slanted else None",
       "return slanted_triangular(optimizer, total_steps)", ULMFIT),
    _m("ulmfit_discriminative_switch_ignored", "switch", "train/ulmfit.py",
       "(discriminative_groups(trainable, lr) if discriminative", "(discriminative_groups(trainable, lr) if True",
       ULMFIT),
    _m("ulmfit_lm_fine_tuning_slanted_ignored", "switch", "train/ulmfit.py",
       "scheduler=_scheduler(optimizer, total, slanted)", "scheduler=_scheduler(optimizer, total, True)", ULMFIT),
    _m("ulmfit_lm_fine_tuning_discriminative_ignored", "switch", "train/ulmfit.py",
       "optimizer = _optimizer(lm_layer_groups(model), lr, discriminative)",
       "optimizer = _optimizer(lm_layer_groups(model), lr, True)", ULMFIT),
    # --- train/language_model.py, analysis/lm_queries.py -----------------------------------------------------------
    _m("lm_state_reset_ignored", "switch", "train/language_model.py",
       "if self.reset_probability and self.rng.random() < self.reset_probability:", "if False:", LM),
    _m("lm_evaluation_state_not_carried", "formula", "train/language_model.py",
       'loss, state = language_model_loss(m, batch["input_ids"], batch["labels"], state, "sum")',
       'loss, _ = language_model_loss(m, batch["input_ids"], batch["labels"], state, "sum")', LM),
    _m("lm_evaluation_loss_per_window_not_per_token", "normaliser", "train/language_model.py",
       "/ sum(count for _, count in sums)", "/ len(sums)", LM),
    _m("lm_query_reads_the_padded_end", "mask", "analysis/lm_queries.py",
       'last = batch["attention_mask"].sum(1) - 1',
       'last = torch.full((len(batch["input_ids"]),), batch["input_ids"].size(1) - 1)', LM),
    # --- train/classifier.py, train/bilm.py, train/task_model.py ---------------------------------------------------
    _m("classifier_encoder_lr_ignored", "switch", "train/classifier.py",
       '"lr": lr if encoder_lr is None else encoder_lr', '"lr": lr', CLASSIFIER),
    _m("probe_scaled_by_variance_not_std", "normaliser", "train/classifier.py",
       "features.std(0).clamp_min(1e-6)", "features.var(0).clamp_min(1e-6)", CLASSIFIER),
    _m("bilm_perplexity_counts_the_boundaries", "normaliser", "train/bilm.py",
       'predictions = int(batch["attention_mask"].sum()) - len(batch["attention_mask"])',
       'predictions = int(batch["attention_mask"].sum())', BILM),
    _m("bilm_weight_decay_ignored", "switch", "train/bilm.py",
       "lr=lr, weight_decay=weight_decay)", "lr=lr)", BILM),
    _m("task_batches_mask_covers_padding", "mask", "train/task_model.py",
       '"attention_mask": ids != PAD_ID', '"attention_mask": torch.ones_like(ids, dtype=torch.bool)', ELMO),
    _m("task_model_mix_penalty_ignored", "switch", "train/task_model.py",
       "if m.use_elmo and mix_l2:", "if False:", ELMO),
    # --- data/batching.py, data/streams.py, data/characters.py -----------------------------------------------------
    _m("pad_batch_truncates_from_the_start", "direction", "data/batching.py",
       "rows.append(row[:max_length])", "rows.append(row[-max_length:] if max_length else row)", "test_batching.py"),
    _m("pad_batch_mask_one_too_long", "shift", "data/batching.py",
       "torch.arange(ids.size(1)) < lengths[:, None]", "torch.arange(ids.size(1)) <= lengths[:, None]",
       "test_batching.py"),
    _m("labelled_batches_labels_not_shuffled_with_ids", "shift", "data/batching.py",
       '"labels": torch.tensor([y for _, y in chunk])',
       '"labels": torch.tensor([examples[i][1] for i in range(start, start + len(chunk))])', "test_batching.py"),
    _m("windows_label_is_the_input_token", "leak", "data/streams.py",
       '"labels": batched[:, start + 1 : start + 1 + length]', '"labels": batched[:, start : start + length]',
       "test_streams.py"),
    _m("batchify_interleaves_the_stream", "direction", "data/streams.py",
       ".view(batch_size, columns)", ".view(columns, batch_size).t()", "test_streams.py"),
    _m("steps_per_epoch_off_by_one", "shift", "data/streams.py",
       "math.ceil((n_tokens // batch_size - 1) / bptt)", "math.ceil((n_tokens // batch_size) / bptt)",
       "test_streams.py"),
    _m("characters_end_marker_cut_off", "shift", "data/characters.py",
       "word[: max_chars - 2]", "word[: max_chars - 1]", BILM),
    _m("batcher_mask_leaves_out_the_boundaries", "mask", "data/characters.py",
       "mask[i, : len(tokens)] = True", "mask[i, : len(sentence)] = True", BILM),
    _m("sentence_batches_not_sorted_by_length", "switch", "data/characters.py",
       "ordered = sorted(order[start : start + pool], key=lambda i: len(sentences[i]))",
       "ordered = order[start : start + pool]", BILM),
    # --- data/cooccurrences.py, data/vocab.py, data/unlabelled.py --------------------------------------------------
    _m("cooccurrence_distance_weight_ignored", "normaliser", "data/cooccurrences.py",
       "1.0 / distance, dtype=torch.float64", "1.0, dtype=torch.float64", GLOVE),
    _m("cooccurrence_window_crosses_sentences", "mask", "data/cooccurrences.py",
       "keep = (sentence[:-distance] == sentence[distance:]) & usable[:-distance] & usable[distance:]",
       "keep = usable[:-distance] & usable[distance:]", GLOVE),
    _m("cooccurrence_counts_one_direction_only", "direction", "data/cooccurrences.py",
       "both, values = _merge(torch.cat([one_way, transposed]), torch.cat([one_way_values, one_way_values]))",
       "both, values = one_way, one_way_values", GLOVE),
    _m("cooccurrence_window_one_short", "shift", "data/cooccurrences.py",
       "for distance in range(1, window + 1):", "for distance in range(1, window):", GLOVE),
    _m("vocab_min_count_off_by_one", "shift", "data/vocab.py",
       "if c >= least]", "if c > least]", "test_vocab.py"),
    _m("vocab_rarest_words_first", "direction", "data/vocab.py",
       "kept.sort(key=lambda wc: (-wc[1], wc[0]))", "kept.sort(key=lambda wc: (wc[1], wc[0]))", "test_vocab.py"),
    _m("vocab_max_size_forgets_the_special_tokens", "shift", "data/vocab.py",
       "kept = kept[: size - len(SPECIAL_TOKENS)]", "kept = kept[:size]", "test_vocab.py"),
    _m("held_out_reviews_are_the_training_reviews", "leak", "data/unlabelled.py",
       "reviews_unlabelled // 10), seed=seed + 1)", "reviews_unlabelled // 10), seed=seed)", MICROWORLD),
    _m("reviews_appended_after_the_general_text", "switch", "data/unlabelled.py",
       "        mixed += before + sentences[start:end]\n    return mixed",
       "        mixed += before + sentences[start:end]\n    return sentences + inserts", MICROWORLD),
    _m("course_vocab_misses_the_reviews", "switch", "data/unlabelled.py",
       'texts, _ = unlabelled_texts("general+reviews", corpus, seed)',
       'texts, _ = unlabelled_texts("general", corpus, seed)', MICROWORLD),
    # --- data/microworld/ (ground truth) ---------------------------------------------------------------------------
    _m("agreement_grammatical_switch_ignored", "switch", "data/microworld/sentences.py",
       "    if not grammatical:\n", "    if False:\n", MICROWORLD),
    _m("agreement_distance_off_by_one", "shift", "data/microworld/sentences.py",
       "distance=position - 1, attractors=attractors, wrong=wrong)",
       "distance=position, attractors=attractors, wrong=wrong)", MICROWORLD),
    _m("evaluation_polarity_ignores_negation", "direction", "data/microworld/sentences.py",
       "adjective = (_positive if positive != negated else _negative)(rng)",
       "adjective = (_positive if positive else _negative)(rng)", MICROWORLD),
    _m("polysemy_cue_count_off_by_one", "shift", "data/microworld/sentences.py",
       "slots = rng.sample(range(4), cues)", "slots = rng.sample(range(4), min(cues + 1, 4))", MICROWORLD),
    _m("facts_stated_in_their_held_out_wording", "leak", "data/microworld/world.py",
       "return [t for i, t in enumerate(templates) if i != self.held_out[fact.fact_id]]", "return list(templates)",
       MICROWORLD),
    _m("sentiment_task_leaks_the_verdict", "leak", "data/microworld/tasks.py",
       "made = review(rng, positive=bool(label))", "made = review(rng, positive=bool(label), with_verdict=True)",
       MICROWORLD),
    _m("task_labels_drawn_not_balanced", "normaliser", "data/microworld/tasks.py",
       "labels = [index % 2 for index in range(count)]", "labels = [int(rng.random() < 0.6) for _ in range(count)]",
       MICROWORLD),
    _m("pair_tasks_share_entities_across_splits", "leak", "data/microworld/tasks.py",
       'people = _pools(world.entities["person"], seed, "person")[split]',
       'people = _pools(world.entities["person"], seed, "person")["train"]', MICROWORLD),
    _m("entailment_labels_flipped", "direction", "data/microworld/tasks.py",
       "while label == 1 and value == truth:", "while label == 0 and value == truth:", MICROWORLD),
    _m("paraphrase_labels_flipped", "direction", "data/microworld/tasks.py",
       "while label == 0 and replacement in lexeme:", "while label == 1 and replacement in lexeme:", MICROWORLD),
    _m("nsp_same_document_negative_may_be_the_next_sentence", "mask", "data/microworld/nsp.py",
       "if i not in (first, first + 1)", "if i != first", MICROWORLD),
    # --- analysis/ -------------------------------------------------------------------------------------------------
    _m("one_nn_ties_go_to_the_first_neighbour", "formula", "analysis/neighbours.py",
       "tied = cosines >= cosines.max(dim=1, keepdim=True).values - TIE_TOLERANCE",
       "tied = torch.nn.functional.one_hot(cosines.argmax(1), cosines.size(1)).bool()", "test_neighbours.py"),
    _m("one_nn_occurrence_is_its_own_neighbour", "leak", "analysis/neighbours.py",
       '    cosines.fill_diagonal_(float("-inf"))\n', "", "test_neighbours.py"),
    _m("word_neighbours_include_unusable_words", "mask", "analysis/neighbours.py",
       '        cosines[~self.usable] = float("-inf")\n', "", "test_neighbours.py"),
    _m("layer_probe_scored_on_its_training_rows", "leak", "analysis/probes.py",
       "predictions = probe(test_layers[:, j]).argmax(-1)", "predictions = probe(train_layers[:, j]).argmax(-1)",
       ELMO),
    _m("pooled_features_of_the_embedding_layer", "shift", "analysis/probes.py",
       'return pooling(layer_outputs[-1], batch["attention_mask"]).cpu()',
       'return pooling(layer_outputs[0], batch["attention_mask"]).cpu()', CLASSIFIER),
    _m("features_read_the_whole_text_as_one_sentence", "switch", "analysis/features.py",
       "pieces += [(i, sentence) for sentence in split_sentences(tokens)]", "pieces += [(i, tokens)]", ELMO),
    _m("contextual_embedder_layer_off_by_one", "shift", "analysis/features.py",
       "return [stack[layer] for stack in layers]", "return [stack[layer - 1] for stack in layers]", ELMO),
    # --- pretrained.py, config.py ----------------------------------------------------------------------------------
    _m("cache_key_misses_the_ulmfit_section", "switch", "pretrained.py",
       '"lm:fine-tuned": _Entry(("corpus", "lm", "ulmfit"),', '"lm:fine-tuned": _Entry(("corpus", "lm"),',
       "test_pretrained.py"),
    _m("cache_key_misses_the_seed", "switch", "pretrained.py",
       '"world": WORLD_VERSION, "seed": whole,', '"world": WORLD_VERSION,', "test_pretrained.py"),
    _m("general_lm_trained_on_the_reviews_too", "leak", "pretrained.py",
       '_Entry(("corpus", "lm"), _build_lm("general"), _restore_lm("general"))',
       '_Entry(("corpus", "lm"), _build_lm("general+reviews"), _restore_lm("general"))', "test_pretrained.py"),
    _m("quick_overrides_ignored", "switch", "config.py",
       "QUICK = dataclasses.replace(FULL.override(**QUICK_OVERRIDES), mode=", "QUICK = dataclasses.replace(FULL, mode=",
       "test_config.py"),
    _m("override_resets_the_rest_of_the_section", "formula", "config.py",
       "changed[name] = dataclasses.replace(section, **values)",
       "changed[name] = dataclasses.replace(type(section)(), **values)", "test_config.py"),
    # --- experiments/ablations.py: each switch of a variant reaches the recipe -------------------------------------
    _m("ablation_gradual_switch_ignored", "switch", "experiments/ablations.py",
       "gradual=choice.gradual,", "gradual=True,", "test_ablations.py"),
    _m("ablation_discriminative_switch_ignored", "switch", "experiments/ablations.py",
       "discriminative=choice.discriminative,", "discriminative=True,", "test_ablations.py"),
    _m("ablation_slanted_switch_ignored", "switch", "experiments/ablations.py",
       "slanted=choice.slanted,", "slanted=True,", "test_ablations.py"),
    _m("ablation_encoder_shared_not_copied", "leak", "experiments/ablations.py",
       "encoder = copy.deepcopy(lms[choice.encoder].encoder)", "encoder = lms[choice.encoder].encoder",
       "test_ablations.py"),
    _m("ablation_scored_on_the_training_set", "leak", "experiments/ablations.py",
       "return accuracy(model, test), model, histories", "return accuracy(model, train), model, histories",
       "test_ablations.py"),
    # --- models/ngram.py: interpolated Kneser-Ney --------------------------------------------------------------------
    _m("kneser_ney_lower_orders_count_tokens_not_contexts", "formula", "models/ngram.py",
       "Counter((context[1:], word) for context, word in self.tables[m + 1])",
       "Counter({(c[1:], w): n for (c, w), n in self.tables[m + 1].items()})", "test_ngram.py"),
    _m("kneser_ney_freed_mass_not_discounted", "normaliser", "models/ngram.py",
       "kept + self.discount * self.types[m][context] / total * lower", "kept + self.types[m][context] / total * lower",
       "test_ngram.py"),
    # --- analysis/task_knowledge.py ----------------------------------------------------------------------------------
    _m("entailment_reader_labels_swapped", "direction", "analysis/task_knowledge.py",
       "ENTAILMENT, NOT_ENTAILMENT = 0, 1", "ENTAILMENT, NOT_ENTAILMENT = 1, 0", "test_task_knowledge.py"),
    _m("word_cosines_read_the_first_piece_only", "formula", "analysis/task_knowledge.py",
       "return embeddings[ids].mean(0), len(ids)", "return embeddings[ids[0]], len(ids)", "test_task_knowledge.py"),
    _m("acceptability_reader_reversed", "direction", "analysis/task_knowledge.py",
       "all(score >= other for other in others)", "all(score <= other for other in others)",
       "test_task_knowledge.py"),
    _m("sentence_logprobs_count_padding", "mask", "analysis/lm_queries.py",
       "return (picked * mask[:, 1:]).sum(1).cpu()", "return picked.sum(1).cpu()", "test_language_model.py"),
    _m("sentence_logprobs_shifted", "shift", "analysis/lm_queries.py",
       "F.log_softmax(logits[:, :-1], -1).gather(2, ids[:, 1:, None])",
       "F.log_softmax(logits[:, 1:], -1).gather(2, ids[:, 1:, None])", "test_language_model.py"),
)


# --- checking and applying mutants -------------------------------------------------------------------------------


class MutantError(ValueError):
    """A mutant that cannot be planted: its file is missing, its snippet is not there exactly once, or the result
    does not compile."""


def mutated_source(mutant: Mutant, source: str) -> str:
    """The file's text with the mutant planted; refuses a snippet that is not found exactly once."""
    count = source.count(mutant.old)
    if count != 1:
        raise MutantError(f"mutant {mutant.name!r}: its old snippet occurs {count} times in ptlib/{mutant.file} "
                          f"(it must occur exactly once):\n{mutant.old}")
    new_source = source.replace(mutant.old, mutant.new)
    try:
        compile(new_source, f"ptlib/{mutant.file}", "exec")
    except SyntaxError as error:
        raise MutantError(f"mutant {mutant.name!r}: ptlib/{mutant.file} does not compile once mutated: {error}") \
            from error
    return new_source


def check_mutants(mutants: tuple[Mutant, ...], package: Path, tests: Path) -> None:
    """Every mutant well-formed and applicable to the files under ``package`` (ptlib/) and ``tests``."""
    names = Counter(m.name for m in mutants)
    if duplicated := sorted(name for name, n in names.items() if n > 1):
        raise MutantError(f"mutant names used twice: {', '.join(duplicated)}")
    for mutant in mutants:
        if mutant.kind not in KINDS:
            raise MutantError(f"mutant {mutant.name!r}: unknown kind {mutant.kind!r}; the kinds are {', '.join(KINDS)}")
        if not mutant.tests or mutant.old == mutant.new:
            raise MutantError(f"mutant {mutant.name!r}: needs test files and a new text different from the old")
        for test in mutant.tests:
            if not (tests / test).is_file():
                raise MutantError(f"mutant {mutant.name!r}: no test file tests/{test}")
        path = package / mutant.file
        if not path.is_file():
            raise MutantError(f"mutant {mutant.name!r}: no file ptlib/{mutant.file}")
        mutated_source(mutant, path.read_text(encoding="utf-8"))


def select(names: list[str] | None) -> tuple[Mutant, ...]:
    if not names:
        return MUTANTS
    known = {m.name: m for m in MUTANTS}
    chosen = []
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3)
            raise SystemExit(f"no mutant {name!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                                     "; see --list"))
        chosen.append(known[name])
    return tuple(chosen)


# --- running the tests -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # "caught", "SURVIVED", "timed out", "error"
    seconds: float
    detail: str  # the first failing test, or why it errored


def environment(copy: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(copy), PTLIB_MODE="quick", PTLIB_CACHE=str(cache), OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    # A mutant and its restored original can have the same size and modification second: with no bytecode
    # written, every run compiles the source it finds.
    return env


def run_pytest(copy: Path, tests: tuple[str, ...], cache: Path, timeout: float, stop_first: bool = True) -> Outcome:
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", *(f"tests/{t}" for t in tests), "-q", "-p", "no:cacheprovider"]
    if stop_first:
        command.insert(-3, "-x")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=copy, env=environment(copy, cache), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the whole session: pytest and anything it started
        process.communicate()
        return Outcome("timed out", time.perf_counter() - started, f"still running after {timeout:.0f} s")
    seconds = time.perf_counter() - started
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)
    if process.returncode == 0:
        return Outcome("SURVIVED", seconds, "")
    if process.returncode == 1:
        return Outcome("caught", seconds, failed[0] if failed else "")
    tail = " | ".join(output.strip().splitlines()[-3:])
    return Outcome("error", seconds, f"pytest exit status {process.returncode}: {tail}")


def check_imports_from(copy: Path) -> str:
    """Where the test runs import ptlib from: it must be the copy, not the editable install."""
    probe = subprocess.run([sys.executable, "-c", "import ptlib; print(ptlib.__file__)"], cwd=copy,
                           env=environment(copy, copy / "cache-probe"), capture_output=True, text=True, check=True)
    location = probe.stdout.strip()
    if not Path(location).resolve().is_relative_to(copy.resolve()):
        raise SystemExit(f"the tests would import ptlib from {location}, not from the copy in {copy}: "
                         "PYTHONPATH does not take precedence here, so mutants would not be seen")
    return location


def baseline(copy: Path, files: list[str], scratch: Path, timeout: float) -> None:
    """Each test file once, unmutated, in the copy: all must pass, or every mutant would look caught."""
    print(f"baseline: {len(files)} test files, unmutated", flush=True)
    for test in files:
        outcome = run_pytest(copy, (test,), scratch / f"baseline-{test}", timeout, stop_first=False)
        print(f"  {test:<28} {'passed' if outcome.status == 'SURVIVED' else outcome.status:<9} "
              f"{outcome.seconds:6.1f} s", flush=True)
        if outcome.status != "SURVIVED":
            raise SystemExit(f"baseline failed: tests/{test} does not pass without any mutant ({outcome.status}; "
                             f"{outcome.detail or 'see pytest'}). Fix it first: a red baseline makes every mutant "
                             "look caught.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME[,NAME...]",
                        help="run only these mutants (repeatable); nothing is written to benchmarks/results")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--check", action="store_true", help="check that every mutant applies, run no test")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per pytest run (default 300)")
    args = parser.parse_args()
    names = [name.strip() for group in args.only or [] for name in group.split(",") if name.strip()]
    mutants = select(names)

    if args.list:
        for mutant in mutants:
            print(f"{mutant.name:<48} {mutant.kind:<10} ptlib/{mutant.file:<32} {' '.join(mutant.tests)}")
        kinds = Counter(m.kind for m in mutants)
        print(f"{len(mutants)} mutants in {len({m.file for m in mutants})} files: "
              + ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k]))
        return 0
    try:
        check_mutants(mutants, ROOT / "ptlib", ROOT / "tests")
    except MutantError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    if args.check:
        print(f"all {len(mutants)} mutants apply and compile")
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ptlib-mutation-") as tmp:
        scratch = Path(tmp)
        copy = scratch / "tree"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
        shutil.copytree(ROOT / "ptlib", copy / "ptlib", ignore=ignore)
        shutil.copytree(ROOT / "tests", copy / "tests", ignore=ignore)
        shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
        # The copy is what runs: check again there, in case ptlib changed between the check and the copy.
        try:
            check_mutants(mutants, copy / "ptlib", copy / "tests")
        except MutantError as error:
            print(f"refused: {error}", file=sys.stderr)
            return 2
        print(f"ptlib imported from {check_imports_from(copy)}", flush=True)
        files = sorted({test for mutant in mutants for test in mutant.tests})
        baseline_started = time.perf_counter()
        baseline(copy, files, scratch, args.timeout)
        baseline_seconds = time.perf_counter() - baseline_started

        outcomes: dict[str, Outcome] = {}
        width = max(len(m.name) for m in mutants)
        for index, mutant in enumerate(mutants, 1):
            path = copy / "ptlib" / mutant.file
            original = path.read_text(encoding="utf-8")
            try:
                path.write_text(mutated_source(mutant, original), encoding="utf-8")
                outcome = run_pytest(copy, mutant.tests, scratch / f"cache-{index}", args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            outcomes[mutant.name] = outcome
            print(f"{index:3d}/{len(mutants)} {mutant.name:<{width}} {outcome.status:<9} {outcome.seconds:6.1f} s  "
                  f"{outcome.detail}", flush=True)
    wall = time.perf_counter() - started

    statuses = Counter(outcome.status for outcome in outcomes.values())
    missed = [name for name, outcome in outcomes.items() if outcome.status != "caught"]
    print(f"\n{statuses['caught']} of {len(mutants)} mutants caught; {statuses['SURVIVED']} survived, "
          f"{statuses['timed out']} timed out, {statuses['error']} errors; wall time {wall / 60:.1f} min "
          f"(baseline {baseline_seconds:.0f} s)")
    for name in missed:
        print(f"  not caught: {name} ({outcomes[name].status})")
    if names:
        print("(a selection of mutants: nothing written to benchmarks/results)")
    else:
        figures: dict[str, float | int | str] = {
            "mutants": len(mutants),
            "caught": statuses["caught"],
            "survived": statuses["SURVIVED"],
            "timed_out": statuses["timed out"],
            "errors": statuses["error"],
            "not_caught": ", ".join(missed) or "none",
            "wall_seconds": round(wall, 1),
            "baseline_seconds": round(baseline_seconds, 1),
            "test_files": len({t for m in mutants for t in m.tests}),
            "timeout_seconds_per_mutant": args.timeout,
        }
        for kind in KINDS:
            of_kind = [m for m in mutants if m.kind == kind]
            figures[f"kind_{kind}"] = f"{sum(outcomes[m.name].status == 'caught' for m in of_kind)}/{len(of_kind)}"
        for mutant in mutants:
            outcome = outcomes[mutant.name]
            figures[f"mutant_{mutant.name}"] = f"{outcome.status} {outcome.seconds:.1f} s"
        write_results("mutation", figures)
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
