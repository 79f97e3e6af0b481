"""Parameter-efficient fine-tuning (chapter 7): train a few new parameters, freeze the rest.

Every method here is written as a small ``nn.Module`` that wraps a layer of a ``transformers``
model, and ``tests/test_adapters_lib.py`` checks each against ``peft`` (which has them all but
the bottleneck adapter).

- **LoRA**: :class:`LoRALinear` adds a low-rank update ``(alpha / r) B A`` to a frozen
  ``nn.Linear`` or GPT-2 ``Conv1D``; :func:`lora_delta` is that update as a weight,
  :func:`inject_lora` wraps the layers of a model by name and :func:`merge_lora` folds the
  updates back into plain layers.
- **DoRA**: :class:`DoRALinear` splits each output row of the updated weight into a trained
  length (magnitude) and a direction.
- **Bottleneck adapters**: :class:`BottleneckAdapter` and :func:`add_adapters`, which puts one
  after the attention and one after the MLP of every block (Houlsby et al., 2019).
- **Soft prompts**: :class:`SoftPrompt` prepends trained virtual-token embeddings.
- **Accounting and measuring**: :func:`count_parameters`, :func:`finetune_memory` (bytes of
  weights, gradients and AdamW state by formula), :func:`step_memory` (the same, and the saved
  activations, measured on the tensors one real training step allocates), :func:`dir_bytes`,
  :func:`meta_llama` (a LLaMA-shaped model that takes no memory, for counting).
- **Training**: :func:`padded_batches`, :func:`predict`, :func:`train_classifier` (chapter 1's
  ``train_loop`` with chapter 6's classification loss, timed), and :func:`lm_with_body`, which
  runs a PEFT-tuned classifier's body as a language model again (to measure forgetting).
- **QLoRA on a CPU**: :func:`keep_4bit_trainable` keeps bitsandbytes' 4-bit layers in the one
  weight layout that both evaluation and training read.
"""
from __future__ import annotations

import math
import time
import weakref
from pathlib import Path
from typing import Callable, Iterable

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["count_parameters", "finetune_memory", "step_memory", "dir_bytes", "meta_llama",
           "LLAMA_7B", "freeze_except", "LoRALinear", "DoRALinear", "lora_delta", "merge_lora",
           "inject_lora", "BottleneckAdapter", "add_adapters", "SoftPrompt", "padded_batches",
           "predict", "train_classifier", "lm_with_body"]


# --------------------------------------------------------------------------------------------
# counting parameters and bytes
# --------------------------------------------------------------------------------------------
def count_parameters(model: nn.Module) -> tuple[int, int]:
    """``(trainable, total)`` parameter counts (tied weights counted once)."""
    params = list(model.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)


def finetune_memory(n_params: int, n_trainable: int, weight_bytes: float = 4,
                    trainable_bytes: float = 4, n_states: int = 2,
                    state_bytes: float = 4) -> dict[str, float]:
    """Bytes a training run holds besides activations, by accounting.

    The frozen weights take ``weight_bytes`` each (4 in fp32, 2 in fp16/bf16, about 0.5 in
    4-bit), the trained ones ``trainable_bytes``; every trained parameter has a gradient of the
    same size and ``n_states`` optimizer states of ``state_bytes`` (AdamW keeps two: the
    running mean and the running mean square of the gradient).
    Returns ``{"weights", "gradients", "optimizer", "total"}``."""
    weights = (n_params - n_trainable) * weight_bytes + n_trainable * trainable_bytes
    grads = n_trainable * trainable_bytes
    opt = n_trainable * n_states * state_bytes
    return {"weights": weights, "gradients": grads, "optimizer": opt,
            "total": weights + grads + opt}


def _nbytes(t: torch.Tensor) -> int:
    return t.numel() * t.element_size()


def step_memory(model: nn.Module, batch: tuple, loss_fn: Callable, lr: float = 0.0
                ) -> dict[str, float]:
    """Run one AdamW training step and add up the bytes of the tensors it keeps.

    This measures what exists, not what a formula predicts: ``weights`` (every parameter),
    ``gradients`` (the ``.grad`` tensors after ``backward``), ``optimizer`` (the tensors in
    the optimizer's state after its first step) and ``activations`` (the tensors autograd keeps
    for the backward pass, caught with ``saved_tensors_hooks`` and counted when the forward pass
    ends, each storage once, parameters left out). On CUDA it also reports ``peak_cuda``, the
    allocator's peak during the step. Allocator caching and temporary buffers inside one
    operation are not counted.
    With the default ``lr=0`` the step allocates everything a real one does and leaves the
    parameters as they were."""
    device = next(model.parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    weight_ptrs = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved: list[tuple] = []

    def pack(t):   # remember each saved tensor weakly: some die with a discarded graph branch
        s = t.untyped_storage()
        saved.append((weakref.ref(t), s.data_ptr(), s.nbytes()))
        return t

    opt = torch.optim.AdamW(params, lr=lr, foreach=True)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    model.train()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = loss_fn(model, *(t.to(device) for t in batch))
    alive = {ptr: n for ref, ptr, n in saved if ref() is not None and ptr not in weight_ptrs}
    opt.zero_grad(set_to_none=True)
    loss.backward()
    grads = sum(_nbytes(p.grad) for p in params if p.grad is not None)
    opt.step()
    out = {"weights": float(sum(_nbytes(p) for p in model.parameters())),
           "gradients": float(grads),
           "optimizer": float(sum(_nbytes(v) for state in opt.state.values()
                                  for v in state.values()
                                  if torch.is_tensor(v) and v.dim() > 0)),
           "activations": float(sum(alive.values()))}
    out["total"] = sum(out.values())
    if device.type == "cuda":
        out["peak_cuda"] = float(torch.cuda.max_memory_allocated(device))
    opt.zero_grad(set_to_none=True)
    model.eval()
    return out


def dir_bytes(path) -> int:
    """Total size in bytes of the files under ``path`` (a saved model or adapter)."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# LLaMA-7B (Touvron et al., 2023): 32 layers, d_model 4096, MLP 11008, vocabulary 32000
LLAMA_7B = dict(num_hidden_layers=32, hidden_size=4096, intermediate_size=11008,
                num_attention_heads=32, vocab_size=32000)


def meta_llama(**shapes):
    """A ``LlamaForCausalLM`` of the given shapes (default :data:`LLAMA_7B`) on the ``meta``
    device: every parameter has its shape and no storage, so a 7B model can be counted (and
    given LoRA layers) on a laptop."""
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(**{**LLAMA_7B, **shapes}, tie_word_embeddings=False)
    with torch.device("meta"):
        return LlamaForCausalLM(cfg)


# --------------------------------------------------------------------------------------------
# LoRA and DoRA
# --------------------------------------------------------------------------------------------
def freeze_except(model: nn.Module, keep: Iterable[str] = ()) -> None:
    """Freeze every parameter except those inside a module named (or ending in) ``keep``."""
    keep = tuple(keep)
    for name, p in model.named_parameters():
        p.requires_grad = any(f".{k}." in f".{name}" for k in keep)


def _is_conv1d(layer: nn.Module) -> bool:
    return type(layer).__name__ == "Conv1D"   # transformers' GPT-2 layer: weight (in, out)


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trained low-rank update (Hu et al., 2021):
    ``y = base(x) + (alpha / r) * B A dropout(x)``, with ``A`` (r x in) initialised like an
    ``nn.Linear`` (Kaiming-uniform) and ``B`` (out x r) at zero, so the wrapped layer starts
    out equal to the base. ``use_rslora`` scales by ``alpha / sqrt(r)`` instead (Kalajdzievski,
    2023), which keeps the update's size steady as ``r`` grows. ``base`` is an ``nn.Linear``
    (weight out x in) or a GPT-2 ``Conv1D`` (weight in x out, what peft calls
    ``fan_in_fan_out``)."""

    def __init__(self, base: nn.Module, r: int = 8, alpha: float = 16, dropout: float = 0.0,
                 use_rslora: bool = False):
        super().__init__()
        self.base = base
        self.fan_in_fan_out = _is_conv1d(base)
        w = base.weight
        self.in_features, self.out_features = (w.shape if self.fan_in_fan_out else w.shape[::-1])
        self.r, self.alpha = r, alpha
        self.scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.lora_A = nn.Parameter(torch.empty(r, self.in_features, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(self.out_features, r, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        for p in base.parameters():
            p.requires_grad = False
        self.merged = False

    def base_weight(self) -> torch.Tensor:
        """The frozen weight as ``out x in`` (a view, transposed for ``Conv1D``)."""
        return self.base.weight.T if self.fan_in_fan_out else self.base.weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        if self.merged:
            return y
        return y + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling

    @torch.no_grad()
    def merge(self) -> None:
        """Add the update into the base weight: the layer then costs nothing extra."""
        if not self.merged:
            self.base.weight += lora_delta(self)
            self.merged = True

    @torch.no_grad()
    def unmerge(self) -> None:
        """Take the update out of the base weight again."""
        if self.merged:
            self.base.weight -= lora_delta(self)
            self.merged = False


def lora_delta(layer: LoRALinear) -> torch.Tensor:
    """The weight update of a :class:`LoRALinear`, ``scaling * B A``, in the layout of the base
    layer's weight (``out x in`` for ``nn.Linear``, transposed for ``Conv1D``)."""
    delta = (layer.lora_B @ layer.lora_A) * layer.scaling
    return delta.T if layer.fan_in_fan_out else delta


class DoRALinear(LoRALinear):
    """Weight-decomposed LoRA (Liu et al., 2024). The adapted weight ``W + s B A`` is split,
    row by row (one row per output feature), into its length and its direction; the lengths
    become a trained vector ``magnitude`` (initialised to the row norms of ``W``), so

    ``y = bias + magnitude / ||W + s B A||_row * (W + s B A) x``

    with the norm treated as a constant in the backward pass, as in the paper and in peft.
    At initialisation ``B = 0`` and the layer equals its base. With dropout, as peft does, the
    dropped-out input feeds the rescaled part and the undropped one the base layer."""

    def __init__(self, base: nn.Module, r: int = 8, alpha: float = 16, dropout: float = 0.0,
                 use_rslora: bool = False):
        super().__init__(base, r, alpha, dropout, use_rslora)
        self.magnitude = nn.Parameter(self.base_weight().detach().norm(dim=1).clone())
        self._merged_weight_norm: torch.Tensor | None = None

    def _row_norm(self) -> torch.Tensor:
        w = self.base_weight() + self.scaling * (self.lora_B @ self.lora_A)
        return w.norm(dim=1).detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        if self.merged:
            return y
        scale = self.magnitude / self._row_norm()
        xd = self.dropout(x)
        lora = (xd @ self.lora_A.T @ self.lora_B.T) * self.scaling
        return y + (scale - 1) * F.linear(xd, self.base_weight()) + scale * lora

    @torch.no_grad()
    def merge(self) -> None:
        if not self.merged:
            norm = self._row_norm()
            scale = (self.magnitude / norm)[:, None]                      # out x 1
            new = scale * (self.base_weight() + _delta_out_in(self))
            self.base.weight.copy_(new.T if self.fan_in_fan_out else new)
            self._merged_weight_norm, self.merged = norm, True

    @torch.no_grad()
    def unmerge(self) -> None:
        if self.merged:
            scale = (self.magnitude / self._merged_weight_norm)[:, None]
            old = self.base_weight() / scale - _delta_out_in(self)
            self.base.weight.copy_(old.T if self.fan_in_fan_out else old)
            self.merged = False


def _delta_out_in(layer: LoRALinear) -> torch.Tensor:
    """``scaling * B A`` as an ``out x in`` matrix, whatever the base layer's layout."""
    return (layer.lora_B @ layer.lora_A) * layer.scaling


def _matches(name: str, targets: Iterable[str]) -> bool:
    """peft's rule for a list of target names: the module's full name, or its last parts."""
    return any(name == t or name.endswith("." + t) for t in targets)


def inject_lora(model: nn.Module, target_modules: Iterable[str], r: int = 8, alpha: float = 16,
                dropout: float = 0.0, use_rslora: bool = False, dora: bool = False,
                trainable: Iterable[str] = ()) -> list[str]:
    """Replace every ``nn.Linear``/``Conv1D`` whose name matches ``target_modules`` (a full
    name or its last dotted parts, e.g. ``"c_attn"`` or ``"attn.c_proj"``) by a
    :class:`LoRALinear` (or :class:`DoRALinear` with ``dora=True``), in place. Every other
    parameter is frozen, except those of the modules named in ``trainable`` (e.g. ``"score"``,
    a new classification head). Returns the names of the wrapped modules."""
    targets = tuple(target_modules)
    freeze_except(model, trainable)
    cls = DoRALinear if dora else LoRALinear
    wrapped = []
    for name, module in list(model.named_modules()):
        if not _matches(name, targets) or not (isinstance(module, nn.Linear)
                                                or _is_conv1d(module)):
            continue
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, cls(module, r=r, alpha=alpha, dropout=dropout,
                                   use_rslora=use_rslora))
        wrapped.append(name)
    return wrapped


def merge_lora(model: nn.Module) -> nn.Module:
    """Merge every :class:`LoRALinear` (and :class:`DoRALinear`) of ``model`` into its base
    layer and put the plain base layer back in its place (peft's ``merge_and_unload``).
    Returns ``model``, changed in place."""
    for name, module in list(model.named_modules()):
        if isinstance(module, LoRALinear):
            module.merge()
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, module.base)
    return model


# --------------------------------------------------------------------------------------------
# bottleneck adapters
# --------------------------------------------------------------------------------------------
class BottleneckAdapter(nn.Module):
    """``h + up(act(down(h)))``: project ``d_model`` down to ``bottleneck``, apply a
    nonlinearity, project back up, add the input. ``up`` starts at zero (weights and bias), so
    a new adapter is the identity and the model starts out unchanged."""

    def __init__(self, d_model: int, bottleneck: int, act: Callable[[], nn.Module] = nn.GELU):
        super().__init__()
        self.down = nn.Linear(d_model, bottleneck)
        self.act = act()
        self.up = nn.Linear(bottleneck, d_model)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.up(self.act(self.down(h)))


class _WithAdapter(nn.Module):
    """Run ``module`` and pass its output (or the first item of a tuple output) through
    ``adapter``: the adapter sits between a sub-layer and the residual addition."""

    def __init__(self, module: nn.Module, adapter: BottleneckAdapter):
        super().__init__()
        self.module, self.adapter = module, adapter

    def forward(self, *args, **kwargs):
        out = self.module(*args, **kwargs)
        if isinstance(out, tuple):
            return (self.adapter(out[0]), *out[1:])
        return self.adapter(out)


def add_adapters(model: nn.Module, bottleneck: int, trainable: Iterable[str] = (),
                 act: Callable[[], nn.Module] = nn.GELU) -> list[str]:
    """Insert a :class:`BottleneckAdapter` after the attention and after the MLP of every
    block of a GPT-2 style model (blocks with ``.attn`` and ``.mlp``), before each residual
    addition, as Houlsby et al. place them. Freezes everything else except the modules named
    in ``trainable``. Returns the names of the wrapped sub-layers."""
    freeze_except(model, trainable)
    d = model.config.hidden_size
    device = next(model.parameters()).device
    wrapped = []
    for name, block in list(model.named_modules()):
        if not (hasattr(block, "attn") and hasattr(block, "mlp")):
            continue
        for part in ("attn", "mlp"):
            adapter = BottleneckAdapter(d, bottleneck, act).to(device)
            setattr(block, part, _WithAdapter(getattr(block, part), adapter))
            wrapped.append(f"{name}.{part}")
    return wrapped


# --------------------------------------------------------------------------------------------
# soft prompts
# --------------------------------------------------------------------------------------------
class SoftPrompt(nn.Module):
    """Prompt tuning (Lester et al., 2021): ``n_tokens`` trained embedding vectors, the
    *virtual tokens*, go in front of every input's token embeddings; the model is frozen
    (except the modules named in ``trainable``). The attention mask gets ``n_tokens`` ones in
    front, and 2-D labels (a language model's) get ``n_tokens`` ignored positions (-100).

    ``init_ids`` initialises the prompt with the embeddings of real tokens (repeated to fill
    ``n_tokens``), as peft's ``prompt_tuning_init="TEXT"``; otherwise rows of the embedding
    matrix drawn at random."""

    def __init__(self, model: nn.Module, n_tokens: int, init_ids: list[int] | None = None,
                 trainable: Iterable[str] = ()):
        super().__init__()
        freeze_except(model, trainable)
        self.model, self.n_tokens = model, n_tokens
        emb = model.get_input_embeddings().weight
        if init_ids:
            ids = (list(init_ids) * math.ceil(n_tokens / len(init_ids)))[:n_tokens]
            ids = torch.tensor(ids)
        else:
            ids = torch.randint(emb.shape[0], (n_tokens,))
        self.prompt = nn.Parameter(emb.detach()[ids.to(emb.device)].clone().float())

    @property
    def config(self):
        return self.model.config

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None, **kwargs):
        x = self.model.get_input_embeddings()(input_ids)
        n, b = self.n_tokens, x.shape[0]
        x = torch.cat([self.prompt.to(x.dtype).expand(b, -1, -1), x], dim=1)
        if attention_mask is not None:
            attention_mask = torch.cat([attention_mask.new_ones(b, n), attention_mask], dim=1)
        if labels is not None and labels.dim() == 2:
            labels = torch.cat([labels.new_full((b, n), -100), labels], dim=1)
        return self.model(inputs_embeds=x, attention_mask=attention_mask, labels=labels,
                          **kwargs)


# --------------------------------------------------------------------------------------------
# training and evaluating a classifier
# --------------------------------------------------------------------------------------------
def _encode(tok, texts: list[str], side: str):
    old, tok.padding_side = tok.padding_side, side
    try:
        enc = tok(list(texts), return_tensors="pt", padding=True)
    finally:
        tok.padding_side = old
    return enc["input_ids"], enc["attention_mask"]


def padded_batches(tok, texts: list[str], labels: list[int], batch_size: int = 32,
                   seed: int = 0, side: str = "right"):
    """``batch_fn(step) -> (input_ids, attention_mask, labels)`` of random examples (seeded),
    padded on ``side`` to the longest text of the batch. Right padding is what chapter 6's
    ``classifier_batches`` does (there to the longest text of the whole set). Left padding puts
    every text's last token at the last position, where a GPT classifier reads its label when
    it gets embeddings instead of token ids (as with soft prompts) and cannot find the padding.
    """
    ids, mask = _encode(tok, texts, side)
    y = torch.tensor(labels)
    g = torch.Generator().manual_seed(seed)

    def batch_fn(step):
        pick = torch.randint(len(y), (batch_size,), generator=g)
        n = int(mask[pick].sum(1).max())
        cols = slice(0, n) if side == "right" else slice(ids.shape[1] - n, None)
        return ids[pick][:, cols], mask[pick][:, cols], y[pick]
    return batch_fn


@torch.no_grad()
def predict(model: nn.Module, tok, texts: list[str], side: str = "right",
            batch_size: int = 128) -> list[int]:
    """The arg-max class of every text, padded on ``side`` (see :func:`padded_batches`). Texts
    are batched in order of length, so each batch carries little padding (as chapter 6's
    ``predict_classes``, but faster on long lists of texts of mixed length)."""
    model.eval()
    device = next(model.parameters()).device
    lengths = [len(ids) for ids in tok(list(texts))["input_ids"]]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    out = [0] * len(texts)
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        ids, mask = _encode(tok, [texts[i] for i in chunk], side)
        logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
        for i, c in zip(chunk, logits.argmax(-1).tolist()):
            out[i] = c
    return out


def train_classifier(model: nn.Module, batch_fn: Callable[[int], tuple], steps: int,
                     lr: float, warmup: int = 5, device=None) -> dict:
    """Train the parameters of ``model`` that require gradients (the others stay frozen:
    AdamW skips parameters without a gradient) with chapter 1's ``train_loop`` and chapter 6's
    ``classifier_loss``. Returns the loop's history plus ``seconds`` and ``step_s``."""
    from .finetune import classifier_loss
    from .rnn import train_loop

    t0 = time.perf_counter()
    hist = train_loop(model, batch_fn, classifier_loss, steps=steps, lr=lr, warmup=warmup,
                      weight_decay=0.0, device=device)
    hist["seconds"] = time.perf_counter() - t0
    hist["step_s"] = hist["seconds"] / steps
    model.eval()
    return hist


def keep_4bit_trainable(model: nn.Module) -> nn.Module:
    """Stop bitsandbytes (0.50) from repacking ``model``'s 4-bit weights for its CPU inference
    kernel, and return ``model``.

    On a CPU with AVX512-BF16, a ``Linear4bit`` that runs in eval mode on an input without
    gradients rewrites its weight, once and for good, into a layout only that kernel reads; a
    backward pass through the layer afterwards fails ("a view of a leaf Variable that requires
    grad is being used in an in-place operation"). QLoRA measures a model before, during and
    after training, so every 4-bit layer is told not to repack (its ``support_avx512bf16_for_cpu``
    flag). On other CPUs and on a GPU nothing changes."""
    for layer in model.modules():
        if hasattr(layer, "support_avx512bf16_for_cpu"):
            layer.support_avx512bf16_for_cpu = False
    return model


def lm_with_body(clf: nn.Module, lm: nn.Module) -> nn.Module:
    """``lm`` (a causal LM of the same architecture, changed in place) running on the body of
    the classifier ``clf``, PEFT layers and all: the language model a PEFT method leaves behind,
    without merging anything. ``lm`` keeps its own output layer, which is right for methods that
    leave the token embeddings frozen (all of this chapter's but full fine-tuning; for that one
    use chapter 6's ``llmz.finetune.body_as_lm``)."""
    inner = clf.get_base_model() if hasattr(clf, "get_base_model") else clf
    setattr(lm, lm.base_model_prefix, getattr(inner, inner.base_model_prefix))
    return lm.eval()
