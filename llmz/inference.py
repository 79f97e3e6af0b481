"""Chapter 11: inference as it runs in production.

- the KV cache from scratch: :func:`attend_with_cache` and :func:`gpt2_forward`, a GPT-2 forward
  pass over a ``transformers`` model's own weights that reads and extends our cache;
- batching prompts of different lengths: :func:`left_pad`, :func:`position_ids_from_mask`,
  :func:`batched_greedy`;
- export: :class:`LogitsOnly`, :func:`export_onnx`, :func:`export_parity`;
- cheaper inference on CPU: :func:`conv1d_to_linear`, :func:`quantize_dynamic_int8`,
  :func:`onnx_quantize_int8`;
- timing: :func:`seconds`.

The HTTP service that streams tokens lives in :mod:`llmz.server`.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import time
import warnings

import numpy as np
import torch
from torch import nn

__all__ = ["attend_with_cache", "gpt2_forward", "greedy_cached", "greedy_uncached", "left_pad",
           "position_ids_from_mask", "batched_greedy", "LogitsOnly", "export_onnx",
           "export_parity", "LogitsFunction", "onnx_runner", "conv1d_to_linear", "quantize_dynamic_int8", "onnx_quantize_int8",
           "seconds", "seconds_interleaved", "file_mb", "serialized_mb"]


# --------------------------------------------------------------------------------------------
# the KV cache
# --------------------------------------------------------------------------------------------
def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Causal attention of ``t_new`` new positions over the cached ones and themselves.

    ``q``, ``k``, ``v``: (b, h, t_new, d) for the new positions; ``cache_k``, ``cache_v``:
    (b, h, t_past, d) for the positions already read, or None. Returns ``(out, keys, values)``:
    ``out`` (b, h, t_new, d), and the cache extended by the new keys and values (concatenated
    along dim 2, never written in place). New query ``i`` sits at absolute position
    ``t_past + i`` and attends to keys ``0 .. t_past + i``, so the result equals causal
    attention recomputed over the whole sequence. The softmax runs in at least float32 (a
    float16 model's scores would lose digits); ``out`` has the dtype of ``q``."""
    keys = k if cache_k is None else torch.cat([cache_k, k], dim=2)
    values = v if cache_v is None else torch.cat([cache_v, v], dim=2)
    t_new, t_all = q.shape[2], keys.shape[2]
    dt = torch.promote_types(torch.float32, q.dtype)       # float32, or float64 if given
    scores = torch.matmul(q.to(dt), keys.to(dt).transpose(-2, -1)) * q.shape[-1] ** -0.5
    visible = torch.ones(t_new, t_all, dtype=torch.bool, device=q.device).tril(t_all - t_new)
    weights = torch.softmax(scores.masked_fill(~visible, float("-inf")), dim=-1)
    return torch.matmul(weights, values.to(dt)).to(q.dtype), keys, values


def gpt2_forward(model, ids: torch.Tensor, cache: list | None = None):
    """Logits (b, t_new, vocab) of a ``transformers`` GPT-2 for the new tokens ``ids``
    (b, t_new), and the cache extended by them: one ``(keys, values)`` pair per layer, each
    (b, heads, t, head_dim). Uses the model's weights and our :func:`attend_with_cache`;
    ``cache=None`` starts at position 0. No padding (every row has the same length)."""
    tr = model.transformer
    heads = model.config.n_head
    start = 0 if not cache else cache[0][0].shape[2]
    b, t = ids.shape
    x = tr.wte(ids) + tr.wpe(torch.arange(start, start + t, device=ids.device))
    new_cache = []
    for i, block in enumerate(tr.h):
        c = x.shape[-1]
        q, k, v = block.attn.c_attn(block.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, heads, c // heads).transpose(1, 2) for z in (q, k, v))
        y, keys, values = attend_with_cache(q, k, v, *(cache[i] if cache else (None, None)))
        x = x + block.attn.c_proj(y.transpose(1, 2).reshape(b, t, c))
        x = x + block.mlp(block.ln_2(x))
        new_cache.append((keys, values))
    return model.lm_head(tr.ln_f(x)), new_cache


@torch.inference_mode()
def greedy_cached(model, ids: torch.Tensor, max_new_tokens: int) -> torch.Tensor:
    """Greedy decoding with our KV cache: the prompt once, then one new position per step."""
    logits, cache = gpt2_forward(model, ids)
    out = []
    for _ in range(max_new_tokens):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(nxt)
        logits, cache = gpt2_forward(model, nxt, cache)
    return torch.cat([ids, *out], dim=1)


@torch.inference_mode()
def greedy_uncached(model, ids: torch.Tensor, max_new_tokens: int) -> torch.Tensor:
    """Greedy decoding without a cache: every step reads the whole sequence again."""
    for _ in range(max_new_tokens):
        logits, _ = gpt2_forward(model, ids)
        ids = torch.cat([ids, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    return ids


# --------------------------------------------------------------------------------------------
# batching
# --------------------------------------------------------------------------------------------
def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(input_ids, attention_mask)``, both int64 (n, longest): each sequence right-aligned,
    ``pad_id`` before it, the mask 1 on real tokens and 0 on padding. Raises ``ValueError``
    for no sequences or an empty one (a model cannot continue nothing)."""
    if len(sequences) == 0:
        raise ValueError("left_pad needs at least one sequence")
    if any(len(s) == 0 for s in sequences):
        raise ValueError("every sequence needs at least one token")
    n, longest = len(sequences), max(len(s) for s in sequences)
    ids = torch.full((n, longest), pad_id, dtype=torch.long)
    mask = torch.zeros((n, longest), dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, longest - len(s):] = torch.as_tensor(list(s), dtype=torch.long)
        mask[i, longest - len(s):] = 1
    return ids, mask


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions (int64, same shape) counting 0, 1, 2, ... from each row's first real token
    (``cumsum(mask) - 1``); padded positions get 1 (they are masked, so any value would do, and
    ``transformers``' own ``generate`` has used 1 or 0 depending on its version)."""
    mask = attention_mask.long()
    return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)


@torch.inference_mode()
def batched_greedy(model, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Greedy continuations of prompts of different lengths in one batch: left padding, the
    attention mask (extended by one each step) and position ids from the mask, with the
    model's KV cache. Returns each prompt's ``max_new_tokens`` new tokens; equal to decoding
    each prompt alone."""
    device = next(model.parameters()).device
    ids, mask = (t.to(device) for t in left_pad(sequences, pad_id))
    out = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask),
                use_cache=True)
    new = []
    for step in range(max_new_tokens):
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        new.append(nxt)
        if step == max_new_tokens - 1:
            break
        mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
        out = model(input_ids=nxt, attention_mask=mask,
                    position_ids=position_ids_from_mask(mask)[:, -1:],
                    past_key_values=out.past_key_values, use_cache=True)
    if not new:
        return [[] for _ in sequences]
    return torch.cat(new, dim=1).tolist()


# --------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------
class LogitsOnly(nn.Module):
    """A causal LM as a pure function ``(input_ids, attention_mask) -> logits``: no cache, no
    output dataclass, which is the shape exporters and runtimes want."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask,
                          use_cache=False).logits


def dynamic_axes(max_batch: int = 64, max_len: int = 256) -> dict:
    """``dynamic_shapes`` for :class:`LogitsOnly`: batch and sequence length both free."""
    batch = torch.export.Dim("batch", min=1, max=max_batch)
    seq = torch.export.Dim("seq", min=2, max=max_len)
    return {"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}}


@contextlib.contextmanager
def quiet():
    """Silence the exporters' progress lines, deprecation warnings and log chatter."""
    names = ("torch.onnx", "torch.export", "torch._dynamo", "onnxscript", "torch._export")
    levels = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.ERROR)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            for n, lvl in levels.items():
                logging.getLogger(n).setLevel(lvl)


def export_onnx(model, path, example: tuple, max_len: int = 256) -> str:
    """Export ``LogitsOnly(model)`` to ONNX at ``path`` with torch's default (dynamo)
    exporter, batch and sequence dynamic. Returns the path."""
    with quiet():
        torch.onnx.export(LogitsOnly(model).eval(), example, str(path),
                          input_names=["input_ids", "attention_mask"], output_names=["logits"],
                          dynamic_shapes=dynamic_axes(max_len=max_len), external_data=False)
    return str(path)


class LogitsFunction:
    """A ``(input_ids, attention_mask) -> logits`` function (an ONNX Runtime session, an
    exported program) dressed as much like a ``transformers`` causal LM as the course's
    evaluation needs: ``model(input_ids=...).logits``, ``eval()`` and a CPU ``parameters()``."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None):
        from types import SimpleNamespace

        mask = torch.ones_like(input_ids) if attention_mask is None else attention_mask
        return SimpleNamespace(logits=torch.as_tensor(self.fn(input_ids, mask)))

    def eval(self):
        return self

    def parameters(self):
        yield torch.zeros(())


def onnx_runner(path, threads: int | None = None):
    """An ONNX Runtime CPU session for a file made by :func:`export_onnx`, as a
    :class:`LogitsFunction` (torch tensors in, a torch tensor of logits out)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.log_severity_level = 3
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def run(input_ids, attention_mask):
        feed = {"input_ids": input_ids.cpu().numpy(), "attention_mask": attention_mask.cpu().numpy()}
        return torch.from_numpy(sess.run(["logits"], feed)[0])

    return LogitsFunction(run)


def export_parity(reference, candidate) -> dict:
    """How far ``candidate`` logits are from ``reference`` (same shape (..., vocab), torch or
    numpy, computed in float64): ``max_abs`` = max |c - r|, ``max_rel`` = max |c - r| /
    (|r| + 1e-12), and ``argmax_agreement``, the share of positions (all leading axes) whose
    top token is the same. Raises ``ValueError`` when the shapes differ."""
    r = np.asarray(reference.detach().cpu() if torch.is_tensor(reference) else reference,
                   dtype=np.float64)
    c = np.asarray(candidate.detach().cpu() if torch.is_tensor(candidate) else candidate,
                   dtype=np.float64)
    if r.shape != c.shape:
        raise ValueError(f"shapes differ: reference {r.shape}, candidate {c.shape}")
    diff = np.abs(c - r)
    agree = (r.argmax(-1) == c.argmax(-1)).mean()
    return {"max_abs": float(diff.max()), "max_rel": float((diff / (np.abs(r) + 1e-12)).max()),
            "argmax_agreement": float(agree)}


# --------------------------------------------------------------------------------------------
# cheaper inference on CPU
# --------------------------------------------------------------------------------------------
def conv1d_to_linear(model):
    """Replace GPT-2's ``Conv1D`` layers (a Linear with its weight stored transposed) by
    ``nn.Linear`` in place, so tools that look for ``nn.Linear`` (torch's dynamic quantization)
    see them. The function computed is unchanged. Returns the model."""
    from transformers.pytorch_utils import Conv1D

    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, Conv1D):
                lin = nn.Linear(child.weight.shape[0], child.weight.shape[1])
                lin.weight.data = child.weight.data.t().contiguous()
                lin.bias.data = child.bias.data.clone()
                setattr(module, child_name, lin)
    return model


def quantize_dynamic_int8(model):
    """torch's int8 dynamic quantization of every ``nn.Linear`` (int8 weights per tensor,
    activations quantized on the fly per batch). ``torch.ao.quantization`` is deprecated in
    favour of the ``torchao`` package, and still ships in torch 2.11-2.13; its warnings are
    silenced here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def onnx_quantize_int8(src, dst) -> str:
    """onnxruntime's int8 dynamic quantization of an ONNX file (weights int8, activations
    quantized at run time)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with quiet():
        logging.getLogger("root").setLevel(logging.ERROR)
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    return str(dst)


def seconds_interleaved(fns: dict, repeats: int = 5, warmup: int = 1) -> dict[str, list[float]]:
    """Wall-clock seconds of each of several ``{name: fn}``, taking turns: repeat ``r`` times
    every function once before repeat ``r + 1`` starts, so a busy spell of the machine slows
    all of them alike instead of whichever happened to run then."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    out = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t0)
    return out


def seconds(fn, repeats: int = 5, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``fn()``, ``repeats`` times after ``warmup`` untimed calls."""
    return seconds_interleaved({"fn": fn}, repeats=repeats, warmup=warmup)["fn"]


def file_mb(path) -> float:
    """Size of a file, or of every file under a folder, in MB (10^6 bytes)."""
    from .adapters import dir_bytes

    return (dir_bytes(path) if os.path.isdir(path) else os.path.getsize(path)) / 1e6


def serialized_mb(model) -> float:
    """MB (10^6 bytes) of ``model.state_dict()`` as ``torch.save`` writes it: what the weights
    cost on disk and in memory, packed int8 layers included (tied weights counted once)."""
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.tell() / 1e6
