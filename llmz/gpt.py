"""The course's decoder-only transformer (GPT-2 architecture), in the spirit of nanoGPT.

- ``GPTConfig``: the sizes of the model and the ids of its special tokens.
- ``GPT``: token + position embeddings, ``n_layer`` pre-LayerNorm blocks (causal self-attention,
  GELU MLP), a final LayerNorm and an LM head tied to the token embedding.
- Three ablation knobs in ``GPTConfig`` (chapter 3), whose defaults are GPT-2:
  ``pos_emb=False`` drops the position embedding, ``residual=False`` drops the skip connections,
  ``norm="post"`` normalises after each residual addition (the original transformer's post-LN).
  Only the defaults convert to Hugging Face.
- ``to_hf_config`` / ``to_hf`` / ``from_hf``: exact conversion to and from Hugging Face's
  ``GPT2LMHeadModel``, so a trained model runs anywhere ``transformers`` does.
- ``save_pretrained`` / ``load_pretrained``: a model directory (safetensors) that
  ``AutoModelForCausalLM.from_pretrained(directory)`` loads.

Parameter names match GPT-2's (``transformer.h.0.attn.c_attn.weight``, ...), so the conversion is
a loop over names. ``transformers`` is imported only by the conversion functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["GPTConfig", "GPT", "to_hf_config", "to_hf", "from_hf", "save_pretrained",
           "load_pretrained"]

EOT_ID = 2047  # ``<|endoftext|>`` in the course tokenizer (chapter 2): the last of 2048 ids


@dataclass
class GPTConfig:
    """Sizes of a GPT. The defaults are a small model for the course tokenizer."""

    vocab_size: int = 2048     # the course tokenizer
    n_ctx: int = 256           # block size: the longest sequence the model can read
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 256
    dropout: float = 0.0       # on embeddings, attention weights and residual branches
    bias: bool = True          # biases in Linear layers and LayerNorms (GPT-2 has them)
    bos_token_id: int | None = EOT_ID
    eos_token_id: int | None = EOT_ID
    pad_token_id: int | None = EOT_ID
    # ablations (chapter 3); the defaults are GPT-2's architecture
    pos_emb: bool = True       # learned position embedding ``wpe``; False: no position signal
    residual: bool = True      # x + f(x) around each sub-layer; False: x = f(x)
    norm: str = "pre"          # "pre": x + f(ln(x)) (GPT-2); "post": ln(x + f(x)) (2017 paper)

    def __post_init__(self):
        if self.norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' or 'post', not {self.norm!r}")

    def is_gpt2(self) -> bool:
        """True for GPT-2's architecture (no ablation knob changed)."""
        return self.pos_emb and self.residual and self.norm == "pre"


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------
class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t only sees positions <= t.

    One Linear ``c_attn`` computes queries, keys and values at once (packed q | k | v along
    its output), ``c_proj`` mixes the heads back into the residual stream."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        assert cfg.n_embd % cfg.n_head == 0, "n_embd must be a multiple of n_head"
        self.n_head, self.dropout = cfg.n_head, cfg.dropout
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.resid_dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        # (B, T, C) -> (B, n_head, T, head_size): each head attends independently
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        # softmax(q k^T / sqrt(head_size) + causal mask) v, with a fused (flash) kernel if possible
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           dropout_p=self.dropout if self.training else 0.0)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # concatenate the heads again
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    """Position-wise feed-forward: Linear to 4x width, GELU (tanh approximation, as GPT-2),
    Linear back."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """A pre-LayerNorm transformer block: x + attn(ln(x)), then x + mlp(ln(x)).

    The ablations of ``cfg``: ``norm="post"`` computes ln(x + attn(x)), then ln(x + mlp(x));
    ``residual=False`` leaves out the ``x +`` of either form."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.mlp = MLP(cfg)
        self.residual, self.post_ln = cfg.residual, cfg.norm == "post"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.post_ln or not self.residual:
            return self._ablated(x)
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))

    def _ablated(self, x: torch.Tensor) -> torch.Tensor:
        for ln, f in ((self.ln_1, self.attn), (self.ln_2, self.mlp)):
            skip = x if self.residual else 0
            x = ln(skip + f(x)) if self.post_ln else skip + f(ln(x))
        return x


class GPT(nn.Module):
    """A decoder-only transformer language model with GPT-2's architecture and initialization.

    ``forward(idx, targets)`` maps token ids (B, T) to next-token logits (B, T, vocab) and, when
    ``targets`` (B, T) are given (the inputs shifted by one; -100 = ignore), the mean
    cross-entropy loss.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.config = cfg
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(cfg.vocab_size, cfg.n_embd),   # token embedding
            **({"wpe": nn.Embedding(cfg.n_ctx, cfg.n_embd)}  # learned position embedding
               if cfg.pos_emb else {}),
            drop=nn.Dropout(cfg.dropout),
            h=nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer)),
            ln_f=nn.LayerNorm(cfg.n_embd, bias=cfg.bias),
        ))
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # weight tying: one matrix, two uses
        self.apply(self._init_weights)
        # GPT-2: scale the residual projections by 1/sqrt(2 n_layer), as each block adds two
        # branches to the residual stream and its variance should not grow with depth
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def num_params(self, non_embedding: bool = False) -> int:
        """Number of parameters (the tied LM head counted once); ``non_embedding`` leaves out
        the position embedding (and the token embedding is the LM head, so it stays)."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding and "wpe" in self.transformer:
            return n - self.transformer.wpe.weight.numel()
        return n

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        B, T = idx.shape
        if T > self.config.n_ctx:
            raise ValueError(f"sequence of length {T} > block size n_ctx={self.config.n_ctx}")
        x = self.transformer.wte(idx)
        if "wpe" in self.transformer:
            x = x + self.transformer.wpe(torch.arange(T, device=idx.device))
        x = self.transformer.drop(x)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1),
                                   ignore_index=-100)
        return logits, loss

    @torch.no_grad()
    def generate(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, do_sample: bool = True,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Extend ``idx`` (B, T) by ``max_new_tokens`` tokens, one forward pass per token.

        Each step samples from ``softmax(logits / temperature)`` restricted to the ``top_k``
        most likely tokens; ``do_sample=False`` or ``temperature=0`` is greedy decoding (argmax).
        The context is cropped to the last ``n_ctx`` tokens. Runs in eval mode (no dropout).
        """
        was_training = self.training
        self.eval()
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -self.config.n_ctx:])
            logits = logits[:, -1, :].float()
            if not do_sample or temperature <= 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, [-1]]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                nxt = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)
            idx = torch.cat((idx, nxt), dim=1)
        self.train(was_training)
        return idx

    def configure_optimizer(self, weight_decay: float, lr: float, betas=(0.9, 0.95),
                            device=None) -> torch.optim.AdamW:
        """AdamW with weight decay on the 2-D weights (matmuls, embeddings) only, not on biases
        and LayerNorm gains; the fused CUDA kernel when ``device`` is a GPU, and elsewhere the
        multi-tensor (foreach) update, which torch uses by default only on GPUs: one call per
        step for all parameters instead of a Python loop over them (bit for bit the same
        numbers on CPU, checked on the course model)."""
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        device = torch.device(device) if device is not None else next(self.parameters()).device
        fused = device.type == "cuda" and torch.cuda.is_available()
        return torch.optim.AdamW(groups, lr=lr, betas=betas,
                                 **({"fused": True} if fused else {"foreach": True}))


# --------------------------------------------------------------------------------------------
# Hugging Face GPT-2 conversion
# --------------------------------------------------------------------------------------------
# HF's GPT-2 stores these layers as ``Conv1D``: a Linear whose weight is (in, out), transposed.
_CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def to_hf_config(cfg: GPTConfig):
    """The ``transformers.GPT2Config`` of the same architecture."""
    from transformers import GPT2Config

    if not cfg.is_gpt2():
        raise ValueError("GPT-2 has position embeddings, residual connections and pre-LN; "
                         f"this ablated model (pos_emb={cfg.pos_emb}, residual={cfg.residual}, "
                         f"norm={cfg.norm!r}) has no Hugging Face twin")

    return GPT2Config(
        vocab_size=cfg.vocab_size, n_positions=cfg.n_ctx, n_embd=cfg.n_embd,
        n_layer=cfg.n_layer, n_head=cfg.n_head, n_inner=4 * cfg.n_embd,
        activation_function="gelu_new",  # GELU, tanh approximation
        resid_pdrop=cfg.dropout, embd_pdrop=cfg.dropout, attn_pdrop=cfg.dropout,
        layer_norm_epsilon=1e-5, initializer_range=0.02, tie_word_embeddings=True,
        bos_token_id=cfg.bos_token_id, eos_token_id=cfg.eos_token_id,
        pad_token_id=cfg.pad_token_id)


def _check_hf_config(c) -> None:
    """Refuse GPT-2 variants that ``GPT`` does not implement."""
    problems = {
        "activation_function": c.activation_function not in ("gelu_new", "gelu_pytorch_tanh"),
        "n_inner": c.n_inner not in (None, 4 * c.n_embd),
        "scale_attn_weights": not c.scale_attn_weights,
        "scale_attn_by_inverse_layer_idx": c.scale_attn_by_inverse_layer_idx,
        "add_cross_attention": c.add_cross_attention,
        "layer_norm_epsilon": c.layer_norm_epsilon != 1e-5,
        "tie_word_embeddings": not getattr(c, "tie_word_embeddings", True),
    }
    bad = [k for k, v in problems.items() if v]
    if bad:
        raise ValueError(f"this GPT-2 variant is not supported by llmz.gpt.GPT: {bad}")


def to_hf(model: GPT):
    """A ``transformers.GPT2LMHeadModel`` computing the same function as ``model``.

    Parameter names are the same; the weights of the four matmuls per block are transposed
    (HF's ``Conv1D``). ``c_attn`` packs q, k, v in the same order in both. A model built with
    ``bias=False`` gets zero biases, which computes the same function.
    """
    from transformers import GPT2LMHeadModel

    ours = model.state_dict()
    hf = GPT2LMHeadModel(to_hf_config(model.config))
    ref = next(model.parameters())
    hf.to(device=ref.device, dtype=ref.dtype)
    with torch.no_grad():
        for name, p in hf.state_dict().items():
            if name not in ours:  # a bias our bias=False model does not have
                p.zero_()
                continue
            w = ours[name]
            p.copy_(w.t() if name.endswith(_CONV1D) else w)
    hf.train(model.training)
    hf.loss_type = "ForCausalLM"  # HF infers it from the class name, and warns for GPT2LMHeadModel
    return hf


def from_hf(hf_model) -> GPT:
    """Our ``GPT`` from a ``transformers.GPT2LMHeadModel`` (the inverse of :func:`to_hf`)."""
    c = hf_model.config
    _check_hf_config(c)
    cfg = GPTConfig(vocab_size=c.vocab_size, n_ctx=c.n_positions, n_layer=c.n_layer,
                    n_head=c.n_head, n_embd=c.n_embd, dropout=c.resid_pdrop, bias=True,
                    bos_token_id=c.bos_token_id, eos_token_id=c.eos_token_id,
                    pad_token_id=c.pad_token_id)
    theirs = hf_model.state_dict()
    ref = next(hf_model.parameters())
    model = GPT(cfg).to(device=ref.device, dtype=ref.dtype)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            w = theirs[name]
            p.copy_(w.t() if name.endswith(_CONV1D) else w)
    model.train(hf_model.training)
    return model


def save_pretrained(model: GPT, directory, tokenizer=None) -> Path:
    """Write a Hugging Face model directory (``config.json``, ``model.safetensors``, ...) that
    ``AutoModelForCausalLM.from_pretrained(directory)`` loads.

    ``tokenizer`` (optional) is a ``llmz.bpe.BPETokenizer`` or any ``transformers`` tokenizer;
    it is saved alongside, so ``AutoTokenizer.from_pretrained(directory)`` works too.
    """
    directory = Path(directory)
    to_hf(model).save_pretrained(directory)  # safetensors, the only format of transformers 5
    if tokenizer is not None:
        if hasattr(tokenizer, "to_hf_tokenizer"):  # the course's own BPETokenizer
            tokenizer = _wrap_tokenizer(tokenizer, model.config)
        tokenizer.save_pretrained(directory)
    return directory


def _wrap_tokenizer(tok, cfg: GPTConfig):
    """A ``BPETokenizer`` as a ``transformers`` fast tokenizer with the model's special tokens."""
    from transformers import PreTrainedTokenizerFast

    names = {i: s for s, i in tok.special_tokens.items()}
    special = {key: names[i] for key, i in (("bos_token", cfg.bos_token_id),
                                            ("eos_token", cfg.eos_token_id),
                                            ("pad_token", cfg.pad_token_id)) if i in names}
    return PreTrainedTokenizerFast(tokenizer_object=tok.to_hf_tokenizer(),
                                   model_max_length=cfg.n_ctx, **special)


def load_pretrained(directory) -> GPT:
    """Our ``GPT`` from a directory written by :func:`save_pretrained` (or any GPT-2 one)."""
    from transformers import AutoModelForCausalLM

    return from_hf(AutoModelForCausalLM.from_pretrained(directory)).eval()
