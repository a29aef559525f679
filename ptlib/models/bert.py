"""BERT (Devlin et al., 2019): a Transformer encoder pre-trained by masked language modelling and next-sentence
prediction, small enough to train on a laptop CPU.

    input_ids, token_type_ids [batch, time]
      -> embeddings: token + segment (A = 0, B = 1) + learned position, then LayerNorm and dropout
      -> N encoder layers, each: multi-head self-attention over every non-padding token, add & LayerNorm,
         feed-forward (hidden -> 4 * hidden -> hidden, GELU), add & LayerNorm            [batch, time, hidden]
      -> heads: MLM (dense + GELU + LayerNorm, then a softmax tied to the token embeddings) at every position;
         the pooler (dense + tanh of [CLS]) for NSP and for fine-tuned classifiers

The published sizes are BASE (12 layers, hidden 768, 12 heads: 110M parameters) and LARGE (24, 1024, 16: 340M).
Module and parameter names follow the original release, so that a Hugging Face checkpoint maps onto this model
one tensor at a time (``ptlib.models.bert_checkpoint``). Padding is never attended to: the attention mask
[batch, time] is 1 on real tokens, 0 on padding.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    hidden: int = 128
    layers: int = 2
    heads: int = 2
    intermediate: int = 512  # the feed-forward width, 4 * hidden in every published BERT
    max_positions: int = 128
    segments: int = 2  # sentence A and sentence B
    dropout: float = 0.1
    attention_dropout: float = 0.1
    layer_norm_eps: float = 1e-12
    pad_id: int = 0

    def __post_init__(self) -> None:
        if self.hidden % self.heads:
            raise ValueError(f"hidden ({self.hidden}) must split evenly into {self.heads} heads")

    def to_dict(self) -> dict:
        return asdict(self)


class Embeddings(nn.Module):
    """The input representation: the sum of token, segment and position embeddings, normalised."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden, padding_idx=config.pad_id)
        self.position_embeddings = nn.Embedding(config.max_positions, config.hidden)
        self.token_type_embeddings = nn.Embedding(config.segments, config.hidden)
        self.LayerNorm = nn.LayerNorm(config.hidden, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.size(1), device=input_ids.device)  # [time]
        summed = (self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
                  + self.position_embeddings(positions))  # [batch, time, hidden]
        return self.dropout(self.LayerNorm(summed))


class SelfAttention(nn.Module):
    """Multi-head scaled dot-product attention of every token to every real token of its sequence."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.heads, self.head_size = config.heads, config.hidden // config.heads
        self.query = nn.Linear(config.hidden, config.hidden)
        self.key = nn.Linear(config.hidden, config.hidden)
        self.value = nn.Linear(config.hidden, config.hidden)
        self.dropout_p = config.attention_dropout

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        # x [batch, time, hidden]; keep [batch, 1, 1, time], True where a key is a real token
        batch, time, hidden = x.shape

        def split(projection: nn.Linear) -> torch.Tensor:  # -> [batch, heads, time, head_size]
            return projection(x).view(batch, time, self.heads, self.head_size).transpose(1, 2)

        # softmax(q k^T / sqrt(head_size) + mask) v, the padding keys at -inf
        context = F.scaled_dot_product_attention(split(self.query), split(self.key), split(self.value), attn_mask=keep,
                                                 dropout_p=self.dropout_p if self.training else 0.0)
        return context.transpose(1, 2).reshape(batch, time, hidden)


class AttentionBlock(nn.Module):
    """Self-attention, then a projection, dropout, the residual and LayerNorm (BERT normalises after adding)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = SelfAttention(config)
        self.output = AddAndNorm(config.hidden, config.hidden, config)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, keep), x)


class AddAndNorm(nn.Module):
    """LayerNorm(residual + dropout(dense(x))): the end of each sub-layer."""

    def __init__(self, inputs: int, hidden: int, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(inputs, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(residual + self.dropout(self.dense(x)))


class Intermediate(nn.Module):
    """The feed-forward network's first half: hidden -> intermediate, GELU."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden, config.intermediate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))


class EncoderLayer(nn.Module):
    """One Transformer encoder layer: attention sub-layer, then feed-forward sub-layer."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = AttentionBlock(config)
        self.intermediate = Intermediate(config)
        self.output = AddAndNorm(config.intermediate, config.hidden, config)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        x = self.attention(x, keep)
        return self.output(self.intermediate(x), x)


class Encoder(nn.Module):
    """The stack of layers (a container only: :class:`BertModel` runs them, keeping every layer's output)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(EncoderLayer(config) for _ in range(config.layers))


class Pooler(nn.Module):
    """The sentence vector: dense + tanh of the [CLS] token's final state."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden, config.hidden)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(hidden[:, 0]))  # [batch, hidden]


class BertModel(nn.Module):
    """Embeddings -> encoder layers -> (every layer's states, the pooled [CLS] vector)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = Encoder(config)
        self.pooler = Pooler(config)
        self.apply(init_weights)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None) -> tuple[list[torch.Tensor], torch.Tensor]:
        """``hidden_states``: the embeddings' output then each layer's, [batch, time, hidden] each; ``pooled``."""
        if input_ids.size(1) > self.config.max_positions:
            raise ValueError(f"a sequence of {input_ids.size(1)} tokens is longer than the model's "
                             f"{self.config.max_positions} positions")
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        keep = attention_mask.bool()[:, None, None, :]  # [batch, 1, 1, time]: broadcast over heads and queries
        hidden_states = [self.embeddings(input_ids, token_type_ids)]
        for layer in self.encoder.layer:
            hidden_states.append(layer(hidden_states[-1], keep))
        return hidden_states, self.pooler(hidden_states[-1])


class MLMHead(nn.Module):
    """Masked-LM head: dense + GELU + LayerNorm, then scores over the vocabulary with the token embedding matrix."""

    def __init__(self, config: BertConfig, word_embeddings: nn.Embedding) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden, config.hidden)
        self.LayerNorm = nn.LayerNorm(config.hidden, eps=config.layer_norm_eps)
        self.decoder = nn.Linear(config.hidden, config.vocab_size, bias=False)
        self.decoder.weight = word_embeddings.weight  # tied: one matrix reads and writes words
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        # [..., hidden] -> [..., vocab]
        return self.decoder(self.LayerNorm(F.gelu(self.dense(hidden)))) + self.bias


class BertForPreTraining(nn.Module):
    """BERT with both pre-training heads: MLM logits at every position, NSP logits (IsNext = 0, NotNext = 1)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.bert = BertModel(config)
        self.mlm = MLMHead(config, self.bert.embeddings.word_embeddings)
        self.nsp = nn.Linear(config.hidden, 2)
        init_weights(self.mlm.dense)
        init_weights(self.nsp)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        hidden_states, pooled = self.bert(input_ids, attention_mask, token_type_ids)
        return self.mlm(hidden_states[-1]), self.nsp(pooled)  # [batch, time, vocab], [batch, 2]


class BertClassifier(nn.Module):
    """Fine-tuning: dropout and a linear layer on a sentence vector; a pair is one input with segments A and B.

    The sentence vector is BERT's pooled [CLS] vector (``pooling="cls"``) or the mean of the top layer's states
    over the real tokens (``"mean"``), which a small model trained briefly fits much faster (notebook 07)."""

    def __init__(self, config: BertConfig, n_classes: int, pooling: str = "cls") -> None:
        super().__init__()
        if pooling not in ("cls", "mean"):
            raise ValueError(f"pooling must be 'cls' or 'mean', got {pooling!r}")
        self.pooling = pooling
        self.bert = BertModel(config)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.hidden, n_classes)
        init_weights(self.classifier)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        hidden_states, pooled = self.bert(input_ids, attention_mask, token_type_ids)
        if self.pooling == "mean":
            real = (torch.ones_like(input_ids) if attention_mask is None else attention_mask)[..., None]
            real = real.to(hidden_states[-1].dtype)  # [batch, time, 1]
            pooled = (hidden_states[-1] * real).sum(1) / real.sum(1)  # [batch, hidden]
        return self.classifier(self.dropout(pooled))  # [batch, n_classes]


def init_weights(module: nn.Module) -> None:
    """BERT's initialisation: normal(0, 0.02) weights, zero biases, LayerNorm at identity."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)
        if isinstance(m, nn.Embedding) and m.padding_idx is not None:
            with torch.no_grad():
                m.weight[m.padding_idx].zero_()
        if isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def parameter_breakdown(config: BertConfig) -> dict[str, int]:
    """The encoder's parameters by part, from its configuration alone (weights and biases of each piece)."""
    h, i = config.hidden, config.intermediate
    return {
        "token embeddings": config.vocab_size * h,
        "segment embeddings": config.segments * h,
        "position embeddings": config.max_positions * h,
        "embedding LayerNorm": 2 * h,
        "attention (all layers)": config.layers * (4 * (h * h + h) + 2 * h),  # Q, K, V, output; then LayerNorm
        "feed-forward (all layers)": config.layers * ((h * i + i) + (i * h + h) + 2 * h),  # up, down; LayerNorm
        "pooler": h * h + h,
    }


def parameter_count(config: BertConfig, with_pretraining_heads: bool = False) -> int:
    """The parameters of a BERT, from its configuration alone (the published 110M and 340M count the encoder)."""
    h, total = config.hidden, sum(parameter_breakdown(config).values())
    if with_pretraining_heads:
        total += (h * h + h) + 2 * h + config.vocab_size + (2 * h + 2)  # MLM transform and bias (tied), NSP
    return total
