"""Quantization (chapter 8): storing and computing with fewer bits, each method written out and
checked against ``torch`` and ``bitsandbytes`` in ``tests/test_quantize_lib.py``.

- **Formats and memory**: :data:`FORMATS` (bits per weight of common storage formats, scales
  included), :func:`float_formats` (range and precision of the float dtypes, from
  ``torch.finfo`` and by casting), :func:`relative_spacing`, :func:`bits_per_param`,
  :func:`weight_memory`, :func:`kv_cache_bytes`, :func:`llama_param_count` with the shapes
  :data:`SMOLLM2_135M`, :data:`LLAMA2_7B` and :data:`LLAMA2_70B`.
- **Round to nearest**: :func:`absmax_quantize` (symmetric), :func:`zero_point_quantize`
  (asymmetric, as torch's ``MinMaxObserver`` + ``quantize_per_tensor``), :func:`dequantize`,
  :func:`blockwise_quantize` / :func:`blockwise_dequantize`, :func:`fake_quantize` (any bits,
  granularity per tensor, per channel or per block) and :func:`rtn_quantize_model`.
- **NF4** (QLoRA's 4-bit NormalFloat): :func:`nf4_code`, :func:`nf4_quantize`,
  :func:`nf4_dequantize`, bit for bit as ``bitsandbytes.functional.quantize_4bit`` on CPU.
- **LLM.int8()**: :func:`int8_matmul` (the outlier decomposition) and
  :func:`linear_input_absmax` (per-feature activation maxima, collected with hooks).
- **GPTQ**: :func:`layer_hessian`, :func:`collect_hessians`, :func:`gptq_quantize` (one layer)
  and :func:`gptq_quantize_model` (block by block, on calibration text);
  :func:`reconstruction_error`.
- **Measuring**: :func:`shakespeare_ppl`, :func:`load_bitsandbytes` (a model
  reloaded in 8 or 4 bits), :func:`forward_seconds`, :func:`quiet_bitsandbytes`.
"""
from __future__ import annotations

import contextlib
import copy
import io
import logging
import math
import re
import time

import torch
from torch import Tensor, nn

__all__ = ["FORMATS", "SMOLLM2_135M", "LLAMA2_7B", "LLAMA2_70B", "float_formats",
           "relative_spacing", "bits_per_param", "weight_memory", "kv_cache_bytes",
           "llama_param_count", "absmax_quantize", "zero_point_quantize", "dequantize",
           "blockwise_quantize", "blockwise_dequantize", "fake_quantize", "quantizable_layers",
           "rtn_quantize_model", "nf4_code", "nf4_quantize", "nf4_dequantize", "int8_matmul",
           "linear_input_absmax", "layer_hessian", "collect_hessians", "gptq_quantize",
           "gptq_quantize_model", "reconstruction_error", "shakespeare_ppl",
           "quiet_bitsandbytes", "load_bitsandbytes", "forward_seconds"]


# --------------------------------------------------------------------------------------------
# formats and memory
# --------------------------------------------------------------------------------------------
# bits per weight = bits of the code + bits of the scales (and zero points) shared by a block
FORMATS = {
    "fp32": {"bits": 32, "block": None, "scale_bits": 0,
             "what": "IEEE single precision: training master weights"},
    "fp16 / bf16": {"bits": 16, "block": None, "scale_bits": 0,
                    "what": "half precision: the usual inference format"},
    "int8, per row (LLM.int8)": {"bits": 8, "block": None, "scale_bits": 0,
                                 "what": "bitsandbytes 8-bit: one fp32 scale per output row"},
    "NF4, block 64": {"bits": 4, "block": 64, "scale_bits": 32,
                      "what": "bitsandbytes 4-bit (QLoRA): one fp32 absmax per 64 weights"},
    "NF4 + double quant": {"bits": 4, "block": 64, "scale_bits": 8 + 32 / 256,
                           "what": "the absmax values themselves in 8 bits, blocks of 256"},
    "GPTQ 4-bit, group 128": {"bits": 4, "block": 128, "scale_bits": 16 + 4,
                              "what": "an fp16 scale and a 4-bit zero point per 128 weights"},
    "GGUF Q8_0": {"bits": 8, "block": 32, "scale_bits": 16,
                  "what": "llama.cpp: int8 and an fp16 scale per 32 weights"},
    "GGUF Q4_0": {"bits": 4, "block": 32, "scale_bits": 16,
                  "what": "llama.cpp: int4 and an fp16 scale per 32 weights"},
    "GGUF Q4_1": {"bits": 4, "block": 32, "scale_bits": 32,
                  "what": "llama.cpp: an fp16 scale and an fp16 minimum per 32 weights"},
}

# LLaMA-shaped models: SmolLM2-135M (the course's packaged model; 3 key/value heads for 9 query
# heads) and LLaMA-2 (Touvron et al., 2023), whose 70B model shares each key/value head among 8
# query heads (grouped-query attention)
SMOLLM2_135M = {"vocab_size": 49152, "hidden_size": 576, "num_hidden_layers": 30,
                "num_attention_heads": 9, "num_key_value_heads": 3, "intermediate_size": 1536,
                "tie_word_embeddings": True}
LLAMA2_7B = {"vocab_size": 32000, "hidden_size": 4096, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 11008,
             "tie_word_embeddings": False}
LLAMA2_70B = {"vocab_size": 32000, "hidden_size": 8192, "num_hidden_layers": 80,
              "num_attention_heads": 64, "num_key_value_heads": 8, "intermediate_size": 28672,
              "tie_word_embeddings": False}


def float_formats(dtypes=(torch.float32, torch.float16, torch.bfloat16, torch.float8_e4m3fn,
                          torch.float8_e5m2)) -> list[dict]:
    """Range and precision of floating-point dtypes: ``torch.finfo`` for the bits, the largest
    value, the smallest normal number and the spacing just above 1 (``eps``); the smallest
    subnormal found by casting powers of two and keeping the smallest one that does not
    become 0."""
    rows = []
    for dt in dtypes:
        fi = torch.finfo(dt)
        k = 0
        while torch.tensor(2.0 ** -(k + 1), dtype=torch.float64).to(dt).item() != 0:
            k += 1
        mant = round(-math.log2(fi.eps))
        rows.append({"dtype": str(dt).replace("torch.", ""), "bits": fi.bits,
                     "exponent bits": fi.bits - 1 - mant, "mantissa bits": mant,
                     "max": fi.max, "smallest normal": fi.tiny, "smallest subnormal": 2.0 ** -k,
                     "eps (spacing at 1)": fi.eps})
    return rows


def relative_spacing(x: Tensor, dtype: torch.dtype) -> Tensor:
    """``(next representable value above x - x) / x`` for positive float64 ``x`` stored in
    ``dtype``, measured on the bit patterns: cast, add 1 to the integer view, cast back."""
    xd = x.to(dtype)
    ints = {1: torch.uint8, 2: torch.int16, 4: torch.int32}[xd.element_size()]
    up = (xd.view(ints) + 1).view(dtype)
    return (up.double() - xd.double()) / xd.double()


def bits_per_param(bits: float, block: int | None = None, scale_bits: float = 32) -> float:
    """Average bits per weight: the code plus the block's shared scale spread over its
    ``block`` weights (``block=None``: no per-block scales)."""
    return bits + (scale_bits / block if block else 0.0)


def weight_memory(n_params: int, bits: float, block: int | None = None,
                  scale_bits: float = 32) -> float:
    """Bytes to store ``n_params`` weights at ``bits`` each, plus one ``scale_bits`` scale per
    ``block`` weights for block-wise formats (NF4: ``bits=4, block=64, scale_bits=32``)."""
    return n_params * bits_per_param(bits, block, scale_bits) / 8


def _get(cfg, *names, default=None):
    for n in names:
        v = cfg.get(n) if isinstance(cfg, dict) else getattr(cfg, n, None)
        if v is not None:
            return v
    return default


def kv_cache_bytes(cfg, context: int, batch: int = 1, bytes_per_value: float = 2) -> float:
    """Bytes of the key/value cache: 2 (keys and values) x layers x key/value heads x head
    dimension x ``context`` tokens x ``batch`` sequences x ``bytes_per_value``. ``cfg`` is a
    ``transformers`` config (GPT-2 or LLaMA names) or a dict with the same fields; with
    grouped-query attention it counts the ``num_key_value_heads``, not the query heads."""
    layers = _get(cfg, "num_hidden_layers", "n_layer")
    heads = _get(cfg, "num_attention_heads", "n_head")
    kv_heads = _get(cfg, "num_key_value_heads", default=heads)
    head_dim = _get(cfg, "head_dim", default=_get(cfg, "hidden_size", "n_embd") // heads)
    return 2 * layers * kv_heads * head_dim * context * batch * bytes_per_value


def llama_param_count(cfg) -> int:
    """Parameters of a LLaMA-shaped model: embeddings, per layer the q/k/v/o projections (k and
    v with ``num_key_value_heads`` heads), the gated MLP (three matrices) and two RMSNorms, the
    final norm, and an output head unless it is tied to the embeddings."""
    d, v = _get(cfg, "hidden_size"), _get(cfg, "vocab_size")
    heads = _get(cfg, "num_attention_heads")
    kv = _get(cfg, "num_key_value_heads", default=heads)
    hd = _get(cfg, "head_dim", default=d // heads)
    ff, layers = _get(cfg, "intermediate_size"), _get(cfg, "num_hidden_layers")
    attn = d * heads * hd + 2 * d * kv * hd + heads * hd * d
    per_layer = attn + 3 * d * ff + 2 * d
    head = 0 if _get(cfg, "tie_word_embeddings", default=False) else v * d
    return v * d + layers * per_layer + d + head


# --------------------------------------------------------------------------------------------
# round to nearest: symmetric, asymmetric, block-wise
# --------------------------------------------------------------------------------------------
def absmax_quantize(x: Tensor, bits: int = 8, dim: int | None = None) -> tuple[Tensor, Tensor]:
    """Symmetric (absmax) quantization: ``q = clamp(round(x / s), -Q, Q)`` with
    ``Q = 2^(bits-1) - 1`` and ``s = max|x| / Q``, the maximum taken over the whole tensor
    (``dim=None``) or along ``dim`` (one scale per slice, kept as a broadcastable dimension).
    A slice of zeros gets ``s = 1``. Returns ``(q, s)``: ``q`` int8 for ``bits <= 8``, ``s``
    float32; ``q * s`` approximates ``x``."""
    qmax = 2 ** (bits - 1) - 1
    x = x.float()
    amax = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = amax / qmax
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    q = torch.clamp(torch.round(x / scale), -qmax, qmax)
    return q.to(torch.int8 if bits <= 8 else torch.int32), scale


def zero_point_quantize(x: Tensor, bits: int = 8) -> tuple[Tensor, float, int]:
    """Asymmetric (zero-point) per-tensor quantization to ``[0, 2^bits - 1]``, as torch's
    ``MinMaxObserver(torch.quint8, torch.per_tensor_affine)`` and ``quantize_per_tensor`` do at
    8 bits: the range ``[min(x), max(x)]`` is widened to contain 0 (so 0 is exact),
    ``s = max(range / (2^bits - 1), eps)``, ``z = clamp(-round(min / s))`` and
    ``q = clamp(round(x / s) + z)``. Returns ``(q uint8, s, z)``; ``(q - z) * s``
    approximates ``x``."""
    qmin, qmax = 0, 2 ** bits - 1
    x = x.float()
    lo = torch.clamp(x.min(), max=0.0)
    hi = torch.clamp(x.max(), min=0.0)
    scale = torch.clamp((hi - lo) / float(qmax - qmin), min=torch.finfo(torch.float32).eps)
    zero = int(torch.clamp(qmin - torch.round(lo / scale), qmin, qmax))
    # torch's kernel computes z + x * (1/s) as one fused multiply-add in float32, then rounds
    # half to even; the float64 product and sum are exact, so one cast to float32 matches it
    inv = (1.0 / scale).double()
    q = torch.round((x.double() * inv + zero).float())
    return torch.clamp(q, qmin, qmax).to(torch.uint8), float(scale), zero


def dequantize(q: Tensor, scale, zero_point=0) -> Tensor:
    """``(q - zero_point) * scale`` in float32 (scales and zero points broadcast)."""
    if isinstance(zero_point, Tensor):
        zero_point = zero_point.float()
    return (q.float() - zero_point) * scale


def blockwise_quantize(x: Tensor, bits: int = 8, block_size: int = 64) -> tuple[Tensor, Tensor]:
    """Absmax quantization with one scale per block of ``block_size`` consecutive values of the
    flattened tensor (the last block padded with zeros), as bitsandbytes lays out its blocks.
    Returns ``(q, scales)`` of shapes ``(n_blocks, block_size)`` and ``(n_blocks, 1)``."""
    flat = x.reshape(-1).float()
    pad = -len(flat) % block_size
    blocks = torch.cat([flat, flat.new_zeros(pad)]).view(-1, block_size)
    return absmax_quantize(blocks, bits, dim=1)


def blockwise_dequantize(q: Tensor, scales: Tensor, shape) -> Tensor:
    """Undo :func:`blockwise_quantize`: ``q * scale`` per block, cut back to ``shape``."""
    n = math.prod(shape)
    return dequantize(q, scales).reshape(-1)[:n].reshape(shape)


def fake_quantize(w: Tensor, bits: int, symmetric: bool = True, granularity: str = "channel",
                  block_size: int = 64) -> Tensor:
    """Quantize ``w`` to ``bits`` and back (round to nearest), returning a float tensor of its
    shape: what the network computes with after quantization.

    ``granularity`` picks which values share a scale: ``"tensor"`` (one for all), ``"channel"``
    (one per row: an output channel of an ``nn.Linear`` weight) or ``"block"`` (one per
    ``block_size`` consecutive values, rows run together as bitsandbytes does).
    ``symmetric``: a scale only, ``2^(bits-1) - 1`` levels each side of 0 (absmax).
    Otherwise min-max with a zero point, ``2^bits`` levels covering ``[min(w, 0), max(w, 0)]``
    (GPTQ's grid)."""
    if granularity == "tensor":
        groups = w.reshape(1, -1).float()
    elif granularity == "channel":
        groups = w.reshape(w.shape[0], -1).float()
    elif granularity == "block":
        flat = w.reshape(-1).float()
        groups = torch.cat([flat, flat.new_zeros(-len(flat) % block_size)]).view(-1, block_size)
    else:
        raise ValueError(f"granularity must be tensor, channel or block, not {granularity!r}")
    if symmetric:
        qmax = 2 ** (bits - 1) - 1
        scale = groups.abs().amax(dim=1, keepdim=True) / qmax
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        out = torch.clamp(torch.round(groups / scale), -qmax, qmax) * scale
    else:
        qmax = 2 ** bits - 1
        lo = groups.amin(dim=1, keepdim=True).clamp(max=0)
        hi = groups.amax(dim=1, keepdim=True).clamp(min=0)
        scale = (hi - lo) / qmax
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        zero = torch.round(-lo / scale)
        out = (torch.clamp(torch.round(groups / scale) + zero, 0, qmax) - zero) * scale
    return out.reshape(-1)[:w.numel()].reshape(w.shape).to(w.dtype)


def _is_linear(module: nn.Module) -> bool:
    from transformers.pytorch_utils import Conv1D

    return isinstance(module, (nn.Linear, Conv1D))


def _weight_out_in(module: nn.Module) -> Tensor:
    """The weight as ``(out_features, in_features)``: GPT-2's ``Conv1D`` stores it transposed."""
    return module.weight.data if isinstance(module, nn.Linear) else module.weight.data.t()


def _set_weight_out_in(module: nn.Module, w: Tensor) -> None:
    w = w if isinstance(module, nn.Linear) else w.t()
    module.weight.data.copy_(w.to(module.weight.dtype))


def quantizable_layers(model: nn.Module, skip: tuple[str, ...] = ("lm_head",)) -> dict:
    """``{name: module}`` of every ``nn.Linear`` and GPT-2 ``Conv1D`` in ``model``, in forward
    order, except those whose name ends with one of ``skip`` (the output head, which
    bitsandbytes also leaves in full precision)."""
    return {n: m for n, m in model.named_modules()
            if _is_linear(m) and not any(n == s or n.endswith("." + s) for s in skip)}


@torch.no_grad()
def rtn_quantize_model(model: nn.Module, bits: int = 4, granularity: str = "channel",
                       block_size: int = 64, symmetric: bool = True,
                       skip: tuple[str, ...] = ("lm_head",), inplace: bool = False) -> nn.Module:
    """Round every linear weight of ``model`` to nearest on a ``bits`` grid
    (:func:`fake_quantize`, per output channel or per block) and store it back in the model's
    dtype: the weights hold quantized values, so the model measures the quantization error
    without an integer kernel. Embeddings, norms, biases and the ``skip`` layers stay as they
    are. Works on a deep copy unless ``inplace``."""
    model = model if inplace else copy.deepcopy(model)
    for module in quantizable_layers(model, skip).values():
        w = _weight_out_in(module)
        _set_weight_out_in(module, fake_quantize(w, bits, symmetric, granularity, block_size))
    return model


# --------------------------------------------------------------------------------------------
# NF4
# --------------------------------------------------------------------------------------------
NF4_OFFSET = 0.9677083  # the outermost quantile: bitsandbytes' create_normal_map default


def nf4_code() -> Tensor:
    """The 16 values of 4-bit NormalFloat, sorted, in [-1, 1], 0 exact: quantiles of the
    standard normal at probabilities evenly spaced from 0.5 to ``NF4_OFFSET`` (8 on the positive
    side, 7 on the negative side, and 0), divided by the largest. The arithmetic follows
    bitsandbytes' ``create_normal_map`` (float32 probabilities, quantiles in float64, stored
    in float32), so the values equal its code book bit for bit."""
    pos = torch.special.ndtri(torch.linspace(NF4_OFFSET, 0.5, 9)[:-1].double())
    neg = -torch.special.ndtri(torch.linspace(NF4_OFFSET, 0.5, 8)[:-1].double())
    values = torch.cat([pos, neg, torch.zeros(1, dtype=torch.float64)]).float().sort().values
    return values / values.max()


def nf4_quantize(w: Tensor, blocksize: int = 64) -> tuple[Tensor, Tensor]:
    """NF4 quantization as ``bitsandbytes.functional.quantize_4bit(w, blocksize=blocksize,
    quant_type="nf4")`` computes it on CPU.

    The flattened tensor is cut into blocks of ``blocksize`` (the last may be shorter); each
    block is scaled by the reciprocal of its absmax into [-1, 1] and every value takes the index
    of the nearest code value (a value exactly between two takes the lower one). Two 4-bit
    indices go into a byte, the first in the high nibble. Returns ``(packed, absmax)``: uint8 of
    shape ``(ceil(n / 2), 1)`` and float32 of shape ``(n_blocks,)``."""
    flat = w.reshape(-1).float()
    code = nf4_code().to(flat.device)
    n = flat.numel()
    full = n - n % blocksize
    blocks = flat[:full].view(-1, blocksize)
    absmax = blocks.abs().amax(dim=1)
    scaled = (blocks * (1.0 / absmax.clamp(min=1e-38))[:, None]).reshape(-1)
    if full < n:  # the shorter last block
        tail_max = flat[full:].abs().max().clamp(min=1e-38)
        absmax = torch.cat([absmax, tail_max[None]])
        scaled = torch.cat([scaled, flat[full:] / tail_max])
    scaled = torch.clamp(scaled, -1, 1)
    if n % 2:
        scaled = torch.cat([scaled, scaled.new_zeros(1)])
    midpoints = (code[:-1] + code[1:]) / 2
    idx = (scaled[:, None] > midpoints).sum(dim=1).to(torch.uint8)   # midpoints below the value
    packed = (idx[0::2] << 4) | idx[1::2]
    return packed.unsqueeze(1), absmax


def nf4_dequantize(packed: Tensor, absmax: Tensor, shape, blocksize: int = 64) -> Tensor:
    """Undo :func:`nf4_quantize` (as ``bitsandbytes.functional.dequantize_4bit``): unpack the two
    indices of every byte (high nibble first), look them up in the code book and multiply by
    their block's absmax. Returns float32 of ``shape``."""
    packed = packed.reshape(-1)
    idx = torch.stack([packed >> 4, packed & 0xF], dim=1).reshape(-1).long()
    n = math.prod(shape)
    values = nf4_code().to(packed.device)[idx][:n]
    scales = absmax.float().repeat_interleave(blocksize)[:n]
    return (values * scales).reshape(shape)


# --------------------------------------------------------------------------------------------
# LLM.int8()
# --------------------------------------------------------------------------------------------
def int8_matmul(x: Tensor, weight: Tensor, threshold: float = 6.0) -> Tensor:
    """``x @ weight.T`` (``weight`` of shape ``(out, in)``, as ``nn.Linear``) by the LLM.int8()
    decomposition (Dettmers et al., 2022).

    The input features (columns of ``x``) in which any ``|x| > threshold`` are multiplied in
    floating point. All other columns are quantized to int8, ``x`` with one absmax scale per row
    (token) and ``weight`` with one per output row; their product is accumulated in int32 and
    scaled back by the outer product of the two scale vectors. Computed in float32 (float64 for
    a float64 ``x``); the result has the dtype of ``x``."""
    shape, dtype = x.shape, x.dtype
    work = torch.float64 if dtype == torch.float64 else torch.float32
    x = x.reshape(-1, shape[-1]).to(work)
    weight = weight.to(work)
    outlier = (x.abs() > threshold).any(dim=0)
    y = x[:, outlier] @ weight[:, outlier].T
    if (~outlier).any():
        qx, sx = absmax_quantize(x[:, ~outlier], 8, dim=1)          # (tokens, 1)
        qw, sw = absmax_quantize(weight[:, ~outlier], 8, dim=1)     # (out, 1)
        if x.is_cuda:   # no int32 matrix product on CUDA: float64 holds these sums exactly
            acc = qx.double() @ qw.double().T
        else:
            acc = qx.to(torch.int32) @ qw.to(torch.int32).T         # integer accumulation
        y = y + acc.to(work) * (sx.to(work) * sw.to(work).T)
    return y.reshape(*shape[:-1], weight.shape[0]).to(dtype)


@torch.no_grad()
def linear_input_absmax(model: nn.Module, input_ids: Tensor,
                        skip: tuple[str, ...] = ()) -> dict[str, Tensor]:
    """For every linear layer (see :func:`quantizable_layers`), the largest ``|input|`` of each
    input feature over the tokens of ``input_ids``: the statistic LLM.int8() thresholds.
    Collected with forward pre-hooks during one forward pass."""
    stats, hooks = {}, []
    for name, module in quantizable_layers(model, skip).items():
        def hook(mod, args, name=name):
            a = args[0].detach().reshape(-1, args[0].shape[-1]).abs().amax(dim=0).float()
            stats[name] = torch.maximum(stats[name], a) if name in stats else a
        hooks.append(module.register_forward_pre_hook(hook))
    try:
        model.eval()
        model(input_ids=input_ids.to(next(model.parameters()).device))
    finally:
        for h in hooks:
            h.remove()
    return stats


# --------------------------------------------------------------------------------------------
# GPTQ
# --------------------------------------------------------------------------------------------
def layer_hessian(inputs: Tensor) -> Tensor:
    """``H = 2 X^T X / N`` for the ``N`` input rows of a linear layer (``inputs`` of shape
    ``(..., in_features)``): the Hessian of the squared reconstruction error
    ``||X W^T - X W_hat^T||^2 / N`` with respect to each row of ``W_hat``."""
    x = inputs.reshape(-1, inputs.shape[-1]).double()
    return (2 * x.T @ x / x.shape[0]).float()


class _StopForward(Exception):
    """Raised by a hook to end a forward pass once the layers of interest have their inputs."""


@torch.no_grad()
def collect_hessians(model: nn.Module, input_ids: Tensor, layers: dict,
                     batch_size: int = 8) -> dict[str, Tensor]:
    """:func:`layer_hessian` of each of ``layers`` (``{name: module}``) over the tokens of
    ``input_ids`` (a batch of windows), accumulated by forward pre-hooks, ``batch_size`` windows
    per forward pass. A pass stops as soon as every layer has seen its input, so the layers
    after them are not computed."""
    sums, counts, hooks = {}, {}, []
    seen: set[str] = set()
    for name, module in layers.items():
        def hook(mod, args, name=name):
            x = args[0].detach().reshape(-1, args[0].shape[-1]).float()
            sums[name] = sums.get(name, 0) + (x.T @ x).double()   # summed in float64
            counts[name] = counts.get(name, 0) + x.shape[0]
            seen.add(name)
            if len(seen) == len(layers):
                raise _StopForward
        hooks.append(module.register_forward_pre_hook(hook))
    try:
        model.eval()
        device = next(model.parameters()).device
        for i in range(0, len(input_ids), batch_size):
            seen.clear()
            try:
                model(input_ids=input_ids[i:i + batch_size].to(device))
            except _StopForward:
                pass
    finally:
        for h in hooks:
            h.remove()
    return {n: (2 * sums[n] / counts[n]).float() for n in layers}


def _minmax_grid(w: Tensor, maxq: int, sym: bool) -> tuple[Tensor, Tensor]:
    """Per-row scale and zero point of GPTQ's quantizer: min-max over ``[min(w, 0),
    max(w, 0)]``, or symmetric about 0 with the zero point in the middle of the grid."""
    lo = w.amin(dim=1).clamp(max=0)
    hi = w.amax(dim=1).clamp(min=0)
    if sym:
        hi = torch.maximum(-lo, hi)
        lo = torch.where(lo < 0, -hi, lo)
    empty = (lo == 0) & (hi == 0)
    lo, hi = torch.where(empty, -1.0, lo), torch.where(empty, 1.0, hi)
    scale = (hi - lo) / maxq
    zero = torch.full_like(scale, (maxq + 1) / 2) if sym else torch.round(-lo / scale)
    return scale, zero


def gptq_quantize(weight: Tensor, H: Tensor, bits: int = 4, blocksize: int = 128,
                  percdamp: float = 0.01, groupsize: int | None = None,
                  sym: bool = False) -> Tensor:
    """GPTQ (Frantar et al., 2022) for one linear layer: quantize ``weight`` (``(out, in)``)
    column by column, each time moving the not-yet-quantized columns to compensate the error,
    so that ``X W^T`` changes as little as possible on the calibration inputs behind
    ``H = 2 X^T X / N``.

    The grid is GPTQ's default: per output row, asymmetric min-max over ``[min(w, 0),
    max(w, 0)]`` with ``2^bits`` levels (``sym=True``: symmetric), fixed from the original
    weights or, with ``groupsize``, refitted to the updated weights at the start of every group
    of columns (``blocksize`` must then be a multiple of ``groupsize``). ``H`` gets
    ``percdamp`` times its mean diagonal added for stability; inputs that are always 0 have no
    effect and are set to 0. The updates use the upper Cholesky factor of ``H^-1`` and are
    applied lazily, ``blocksize`` columns at a time. Returns the quantized weight, dequantized
    (same shape and dtype)."""
    W = weight.detach().clone().float()
    H = H.detach().clone().float()
    n_cols = W.shape[1]
    maxq = 2 ** bits - 1
    if groupsize is None:   # the grid comes from the original weights, as in GPTQ's reference
        scale, zero = _minmax_grid(W, maxq, sym)
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    if groupsize is not None and blocksize % groupsize:
        raise ValueError("blocksize must be a multiple of groupsize")
    H += percdamp * torch.mean(torch.diag(H)) * torch.eye(n_cols, device=H.device)
    Hinv = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
    Q = torch.zeros_like(W)
    for i1 in range(0, n_cols, blocksize):
        i2 = min(i1 + blocksize, n_cols)
        # the block's columns as rows of a contiguous matrix: column i of W is W1[i]
        W1, Hinv1 = W[:, i1:i2].t().contiguous(), Hinv[i1:i2, i1:i2]
        Q1, Err1 = torch.zeros_like(W1), torch.zeros_like(W1)
        for i in range(i2 - i1):
            if groupsize is not None and (i1 + i) % groupsize == 0:
                scale, zero = _minmax_grid(W1[i:i + groupsize].t(), maxq, sym)
            w = W1[i]
            q = (torch.clamp(torch.round(w / scale) + zero, 0, maxq) - zero) * scale
            Q1[i] = q
            err = (w - q) / Hinv1[i, i]
            W1[i:] -= torch.outer(Hinv1[i, i:], err)          # compensate in this block
            Err1[i] = err
        Q[:, i1:i2] = Q1.t()
        W[:, i2:] -= Err1.t() @ Hinv[i1:i2, i2:]               # ... and, lazily, after it
    return Q.to(weight.dtype)


def reconstruction_error(weight: Tensor, w_hat: Tensor, H: Tensor) -> float:
    """Relative output error of a quantized layer, ``||X (W - W_hat)^T||^2 / ||X W^T||^2``,
    computed from ``H = 2 X^T X / N`` as ``tr(D H D^T) / tr(W H W^T)`` with ``D = W - W_hat``."""
    d = (weight - w_hat).double()
    w, H = weight.double(), H.double()
    return float(((d @ H) * d).sum() / ((w @ H) * w).sum())


def _block_of(name: str) -> str:
    """``"transformer.h.3"`` from ``"transformer.h.3.attn.c_attn"``: the prefix up to the first
    number, i.e. the transformer block a layer belongs to."""
    m = re.match(r"(.*?\.\d+)(\.|$)", name)
    return m.group(1) if m else name


@torch.no_grad()
def gptq_quantize_model(model: nn.Module, calib_ids: Tensor, bits: int = 4,
                        blocksize: int = 128, percdamp: float = 0.01,
                        groupsize: int | None = None, sym: bool = False,
                        skip: tuple[str, ...] = ("lm_head",), inplace: bool = False,
                        batch_size: int = 8) -> tuple[nn.Module, dict[str, Tensor]]:
    """GPTQ on every linear layer, one transformer block after the other: the Hessians of a
    block's layers come from the calibration windows ``calib_ids`` (``(n, T)`` token ids) run
    through the model *with the earlier blocks already quantized*, so each block compensates
    the errors of those before it. Returns ``(model, {layer name: H})`` (a deep copy unless
    ``inplace``)."""
    model = model if inplace else copy.deepcopy(model)
    layers = quantizable_layers(model, skip)
    blocks: dict[str, dict] = {}
    for name, module in layers.items():
        blocks.setdefault(_block_of(name), {})[name] = module
    hessians = {}
    for group in blocks.values():
        Hs = collect_hessians(model, calib_ids, group, batch_size)
        for name, module in group.items():
            w = _weight_out_in(module)
            _set_weight_out_in(module, gptq_quantize(w, Hs[name], bits, blocksize, percdamp,
                                                     groupsize, sym))
        hessians.update(Hs)
    return model, hessians


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------
def shakespeare_ppl(model, ids: Tensor, windows: int, block: int = 128) -> float:
    """Perplexity of ``model`` on ``windows`` windows of ``block`` tokens spread over ``ids``
    (``llmz.evaluate.lm_nll``, as chapter 6 measures it)."""
    from . import evaluate as ev

    return ev.perplexity(ev.lm_nll(model, ids, block=block, max_windows=windows))


def quiet_bitsandbytes():
    """Import ``bitsandbytes`` without its notices: its loggers are set to errors only (they
    report, e.g., optional CPU kernels it cannot load, and that 8-bit layers cast their inputs
    to float16), and anything it prints while importing is swallowed."""
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        import bitsandbytes
    return bitsandbytes


def load_bitsandbytes(model, bits: int, quant_type: str = "nf4", double_quant: bool = False,
                      threshold: float = 6.0):
    """``model`` reloaded by ``transformers`` with bitsandbytes quantization: 8 bits
    (LLM.int8(), outlier ``threshold``) or 4 bits (``quant_type`` nf4 or fp4, optionally with
    double quantization). ``from_config`` cannot quantize, so the model is saved to a
    temporary directory and loaded back with ``from_pretrained(dir,
    quantization_config=BitsAndBytesConfig(...))``."""
    import tempfile

    import transformers
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    quiet_bitsandbytes()
    if bits == 8:
        cfg = BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=threshold)
    elif bits == 4:
        cfg = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=quant_type,
                                 bnb_4bit_use_double_quant=double_quant,
                                 bnb_4bit_compute_dtype=torch.float32)
    else:
        raise ValueError("bitsandbytes loads 8 or 4 bits")
    transformers.utils.logging.disable_progress_bar()
    with tempfile.TemporaryDirectory() as d:
        model.save_pretrained(d)
        q = AutoModelForCausalLM.from_pretrained(d, quantization_config=cfg)
    return q.eval()


@torch.no_grad()
def forward_seconds(model, input_ids: Tensor, repeats: int = 3) -> list[float]:
    """Wall-clock seconds of ``repeats`` forward passes on ``input_ids`` (after one untimed
    warm-up pass), on the model's device."""
    model.eval()
    input_ids = input_ids.to(next(model.parameters()).device)
    sync = torch.cuda.synchronize if input_ids.is_cuda else (lambda: None)
    model(input_ids=input_ids)
    out = []
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        model(input_ids=input_ids)
        sync()
        out.append(time.perf_counter() - t0)
    return out
