"""Unit tests of llmz/quantize.py: each quantizer against its reference (torch's observer and
quantized tensors, bitsandbytes' NF4 and Linear8bitLt on CPU, a plain GPTQ written with explicit
inverse-Hessian updates), the memory formulas against known model sizes, and the model-level
helpers on tiny random models. CPU, offline, a few seconds."""
from __future__ import annotations

import warnings

import pytest
import torch

from llmz import quantize as qz

transformers = pytest.importorskip("transformers")
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM  # noqa: E402


@pytest.fixture(scope="module")
def bnb():
    pytest.importorskip("bitsandbytes")
    return qz.quiet_bitsandbytes()


def tiny_gpt2(seed=0):
    torch.manual_seed(seed)
    return GPT2LMHeadModel(GPT2Config(vocab_size=64, n_positions=32, n_embd=32, n_layer=2,
                                      n_head=2, bos_token_id=0, eos_token_id=0,
                                      pad_token_id=0)).eval()


# ------------------------------------------------------------------------------ formats, memory
def test_float_formats_match_finfo_and_ieee():
    rows = {r["dtype"]: r for r in qz.float_formats()}
    assert rows["float16"]["max"] == 65504 and rows["float16"]["mantissa bits"] == 10
    assert rows["bfloat16"]["exponent bits"] == 8 and rows["bfloat16"]["mantissa bits"] == 7
    assert rows["float16"]["smallest subnormal"] == 2.0 ** -24
    assert rows["float8_e4m3fn"]["max"] == 448 and rows["float8_e4m3fn"]["smallest subnormal"] \
        == 2.0 ** -9
    assert rows["float8_e5m2"]["max"] == 57344 and rows["float8_e5m2"]["smallest subnormal"] \
        == 2.0 ** -16
    assert torch.tensor(70000.0).half().isinf()


def test_relative_spacing_is_eps_at_one():
    one = torch.tensor([1.0], dtype=torch.float64)
    for dt in (torch.float32, torch.float16, torch.bfloat16, torch.float8_e4m3fn):
        assert qz.relative_spacing(one, dt).item() == torch.finfo(dt).eps


def test_bits_per_param_of_nf4_and_double_quant():
    assert qz.bits_per_param(4, 64, 32) == 4.5
    dq = qz.FORMATS["NF4 + double quant"]
    assert abs(qz.bits_per_param(dq["bits"], dq["block"], dq["scale_bits"]) - 4.127) < 1e-3
    assert qz.weight_memory(1000, 16) == 2000
    assert qz.weight_memory(6400, 4, 64, 32) == 6400 * 4.5 / 8


def test_llama_param_counts_and_kv_cache():
    assert qz.llama_param_count(qz.LLAMA2_7B) == 6_738_415_616
    assert qz.llama_param_count(qz.LLAMA2_70B) == 68_976_648_192
    cfg = LlamaConfig(vocab_size=100, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True)
    torch.manual_seed(0)
    assert qz.llama_param_count(cfg) == LlamaForCausalLM(cfg).num_parameters()
    # 70B, 4096 tokens, fp16: 2 * 80 layers * 8 kv heads * 128 * 4096 * 2 bytes = 1.25 GiB
    assert qz.kv_cache_bytes(qz.LLAMA2_70B, 4096) == 1.25 * 2 ** 30
    gcfg = GPT2Config(n_embd=192, n_layer=4, n_head=6)
    assert qz.kv_cache_bytes(gcfg, 256, batch=2, bytes_per_value=4) == 2 * 4 * 6 * 32 * 256 * 2 * 4


# ------------------------------------------------------------------------------ round to nearest
@pytest.mark.parametrize("bits", [8, 4, 3])
def test_absmax_round_trip_error_at_most_half_a_step(bits):
    torch.manual_seed(0)
    x = torch.randn(16, 64) * torch.logspace(-2, 1, 16)[:, None]
    for dim in (None, 1, 0):
        q, s = qz.absmax_quantize(x, bits, dim=dim)
        assert q.dtype == torch.int8 and s.dtype == torch.float32
        qmax = 2 ** (bits - 1) - 1
        assert q.abs().max() <= qmax
        assert s.shape == ((16, 1) if dim == 1 else (1, 64) if dim == 0 else ())
        err = (qz.dequantize(q, s) - x).abs()
        assert (err <= s / 2 + 1e-6 * s).all()
    q, s = qz.absmax_quantize(torch.zeros(3, 4), 8, dim=1)
    assert (s == 1).all() and (q == 0).all()


def test_zero_point_matches_torch_observer_and_quantize_per_tensor():
    from torch.ao.quantization.observer import MinMaxObserver

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch 2.13 deprecates quantized tensors
        for seed in range(20):
            g = torch.Generator().manual_seed(seed)
            x = torch.randn(997 + seed, generator=g) * (seed % 5 + 0.1) + (seed % 3 - 1) * 2
            if seed == 7:
                x = x.abs() + 1            # all positive: the range must be widened to 0
            obs = MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine)
            obs(x)
            scale, zp = obs.calculate_qparams()
            ref = torch.quantize_per_tensor(x, float(scale), int(zp), torch.quint8).int_repr()
            q, s, z = qz.zero_point_quantize(x)
            assert q.dtype == torch.uint8 and s == float(scale) and z == int(zp)
            assert torch.equal(q, ref), f"seed {seed}"
            assert (qz.dequantize(q, s, z) - x).abs().max() <= s / 2 + 1e-6


def test_fake_quantize_granularities_agree_with_the_quantizers():
    torch.manual_seed(0)
    w = torch.randn(8, 128)
    q, s = qz.absmax_quantize(w, 4, dim=1)
    assert torch.equal(qz.fake_quantize(w, 4, True, "channel"), qz.dequantize(q, s))
    q, s = qz.absmax_quantize(w, 4)
    assert torch.equal(qz.fake_quantize(w, 4, True, "tensor"), qz.dequantize(q, s))
    q, s = qz.blockwise_quantize(w, 4, 64)
    assert torch.equal(qz.fake_quantize(w, 4, True, "block", 64),
                       qz.blockwise_dequantize(q, s, w.shape))
    for bits in (2, 3, 4, 8):
        fq = qz.fake_quantize(w, bits, symmetric=False, granularity="channel")
        levels = max(len(torch.unique(row)) for row in fq)
        assert levels <= 2 ** bits
        step = (w.amax(1).clamp(min=0) - w.amin(1).clamp(max=0)) / (2 ** bits - 1)
        assert ((fq - w).abs() <= step[:, None] / 2 + 1e-6).all()
    errs = [(qz.fake_quantize(w * torch.logspace(-2, 0, 128), 4, True, g) - w).pow(2).mean()
            for g in ("tensor", "channel", "block")]
    assert errs[0] >= errs[1] >= errs[2] * 0.99


def test_rtn_quantize_model_quantizes_conv1d_per_output_channel_and_skips_the_head():
    model = tiny_gpt2()
    qm = qz.rtn_quantize_model(model, bits=3, granularity="channel")
    assert qm is not model
    layers = qz.quantizable_layers(qm)
    assert len(layers) == 8 and "lm_head" not in layers
    w = qm.transformer.h[0].mlp.c_fc.weight          # Conv1D: (in, out)
    assert max(len(torch.unique(w[:, j])) for j in range(w.shape[1])) <= 7
    assert torch.equal(qm.lm_head.weight, model.lm_head.weight)
    assert not torch.equal(w, model.transformer.h[0].mlp.c_fc.weight)


# ------------------------------------------------------------------------------ NF4
def test_nf4_code_equals_bitsandbytes(bnb):
    import bitsandbytes.functional as F

    code = qz.nf4_code()
    assert code.dtype == torch.float32 and len(code) == 16
    assert torch.equal(code, F.get_4bit_type("nf4", device="cpu"))
    assert (code == 0).sum() == 1 and code[0] == -1 and code[-1] == 1
    assert (code > 0).sum() == 8 and (code < 0).sum() == 7


@pytest.mark.parametrize("shape,blocksize", [((128, 64), 64), ((7, 33), 64), ((3, 321), 64),
                                             ((64, 256), 128), ((1,), 64)])
def test_nf4_quantize_and_dequantize_bit_exact_with_bitsandbytes(bnb, shape, blocksize):
    import bitsandbytes.functional as F

    torch.manual_seed(sum(shape))
    w = torch.randn(shape) * 0.02
    packed, absmax = qz.nf4_quantize(w, blocksize)
    ref, state = F.quantize_4bit(w, blocksize=blocksize, quant_type="nf4")
    assert packed.dtype == torch.uint8 and packed.shape == ref.shape
    assert torch.equal(packed, ref) and torch.equal(absmax, state.absmax)
    out = qz.nf4_dequantize(packed, absmax, w.shape, blocksize)
    assert out.shape == w.shape and out.dtype == torch.float32
    # (bitsandbytes returns a 1-D input as a (1, n) matrix; the values are what we compare)
    assert torch.equal(out, F.dequantize_4bit(ref, state).reshape(w.shape))


def test_nf4_ties_zero_blocks_and_half_precision_inputs(bnb):
    import bitsandbytes.functional as F

    code = qz.nf4_code()
    mid = (code[:-1] + code[1:]) / 2          # exactly between two code values
    w = torch.cat([torch.tensor([1.0]), mid, -mid, torch.zeros(128 - 31)])
    w[64:] = torch.randn(64)                  # block 0: the ties; block 1: random
    w[64:96] = 0
    for x in (w, torch.zeros(128), (torch.randn(32, 64) * 0.1).half(),
              (torch.randn(32, 64) * 0.1).bfloat16()):
        packed, absmax = qz.nf4_quantize(x)
        ref, state = F.quantize_4bit(x, blocksize=64, quant_type="nf4")
        assert torch.equal(packed, ref) and torch.equal(absmax, state.absmax)
    idx = torch.stack([qz.nf4_quantize(w)[0].flatten() >> 4,
                       qz.nf4_quantize(w)[0].flatten() & 15], 1).flatten()
    assert idx[0] == 15 and torch.equal(idx[1:16].long(), torch.arange(15))  # tie -> lower


# ------------------------------------------------------------------------------ LLM.int8()
def _int8_layer(bnb, W, threshold):
    lin = bnb.nn.Linear8bitLt(W.shape[1], W.shape[0], bias=False, has_fp16_weights=False,
                              threshold=threshold)
    lin.weight = bnb.nn.Int8Params(W.clone(), requires_grad=False, has_fp16_weights=False)
    return lin.to("cpu").eval()       # moving the layer quantizes its weights


def test_int8_matmul_close_to_float_and_to_bitsandbytes(bnb):
    torch.manual_seed(0)
    x = torch.randn(2, 16, 256)
    x[..., [3, 77, 200]] *= 25           # three outlier features
    W = torch.randn(64, 256) * 0.05
    ref = x @ W.T
    rel = lambda y: ((y - ref).norm() / ref.norm()).item()  # noqa: E731
    y = qz.int8_matmul(x, W, threshold=6.0)
    assert y.shape == ref.shape and y.dtype == torch.float32
    assert rel(y) < 0.01
    # without the decomposition the outliers set every row's scale: much worse
    x2 = x.reshape(-1, 256)
    qx, sx = qz.absmax_quantize(x2, 8, dim=1)
    qw, sw = qz.absmax_quantize(W, 8, dim=1)
    naive = ((qx.int() @ qw.int().T).float() * (sx * sw.T)).reshape(ref.shape)
    assert rel(naive) > 3 * rel(y)
    assert torch.allclose(qz.int8_matmul(x, W, threshold=1e9), naive, atol=1e-5)
    with torch.no_grad():
        yb = _int8_layer(bnb, W, 6.0)(x)
        yb0 = _int8_layer(bnb, W, 0.0)(x)
    assert rel(yb) < 0.02 and ((y - yb).norm() / ref.norm()) < 0.02
    assert ((yb0 - naive).norm() / ref.norm()) < 0.01      # bnb without threshold: naive int8
    # only outlier features: all in floating point
    assert torch.allclose(qz.int8_matmul(x * 100, W), (x * 100) @ W.T, rtol=1e-4, atol=1e-3)


def test_linear_input_absmax_hooks_every_layer():
    model = tiny_gpt2()
    ids = torch.randint(0, 64, (2, 16))
    stats = qz.linear_input_absmax(model, ids)
    assert set(stats) == set(qz.quantizable_layers(model, skip=()))
    assert stats["transformer.h.0.mlp.c_proj"].shape == (128,)
    assert (stats["lm_head"] > 0).all()


# ------------------------------------------------------------------------------ GPTQ
def _reference_gptq(W, H, bits, percdamp=0.01):
    """GPTQ as the plain optimal-brain-surgeon recursion: quantize column i, spread its error
    over the later columns with the current inverse Hessian, then remove i from that inverse."""
    W, H = W.double().clone(), H.double().clone()
    H += percdamp * H.diag().mean() * torch.eye(len(H), dtype=torch.float64)
    Hinv = torch.linalg.inv(H)
    maxq = 2 ** bits - 1
    lo, hi = W.amin(1).clamp(max=0), W.amax(1).clamp(min=0)
    scale = (hi - lo) / maxq
    zero = torch.round(-lo / scale)
    Q = torch.zeros_like(W)
    for i in range(W.shape[1]):
        q = (torch.clamp(torch.round(W[:, i] / scale) + zero, 0, maxq) - zero) * scale
        Q[:, i] = q
        err = (W[:, i] - q) / Hinv[i, i]
        W -= err[:, None] * Hinv[i][None, :]
        Hinv -= Hinv[:, i:i + 1] @ Hinv[i:i + 1, :] / Hinv[i, i]
    return Q.float()


def _correlated_inputs(n, d, seed=0):
    g = torch.Generator().manual_seed(seed)
    mix = torch.randn(d, d, generator=g) / d ** 0.5 + torch.eye(d)
    return (torch.randn(n, d, generator=g) * torch.logspace(-1, 0.5, d)) @ mix


@pytest.mark.parametrize("blocksize", [128, 16])
def test_gptq_matches_the_plain_recursion(blocksize):
    torch.manual_seed(0)
    W = torch.randn(32, 96) * 0.1
    H = qz.layer_hessian(_correlated_inputs(512, 96))
    Q = qz.gptq_quantize(W, H, bits=3, blocksize=blocksize)
    ref = _reference_gptq(W, H, bits=3)
    assert Q.shape == W.shape and Q.dtype == W.dtype
    differ = (Q - ref).abs() > 1e-4
    assert differ.float().mean() < 0.01       # a rare rounding tie may go the other way


@pytest.mark.parametrize("bits", [3, 4])
def test_gptq_reconstruction_error_below_round_to_nearest(bits):
    torch.manual_seed(1)
    W = torch.randn(64, 128) * 0.05
    X = _correlated_inputs(2048, 128, seed=1)
    H = qz.layer_hessian(X)
    rtn = qz.fake_quantize(W, bits, symmetric=False, granularity="channel")
    for Q in (qz.gptq_quantize(W, H, bits), qz.gptq_quantize(W, H, bits, groupsize=32),
              qz.gptq_quantize(W, H, bits, sym=True)):
        assert qz.reconstruction_error(W, Q, H) < qz.reconstruction_error(W, rtn, H)
    # the error from H equals the one measured on the outputs
    direct = ((X @ (W - rtn).T).pow(2).sum() / (X @ W.T).pow(2).sum()).item()
    assert abs(qz.reconstruction_error(W, rtn, H) - direct) < 1e-4 * direct
    # grid: per row at most 2^bits levels
    Q = qz.gptq_quantize(W, H, bits)
    assert max(len(torch.unique(row)) for row in Q) <= 2 ** bits


def test_gptq_quantize_model_block_by_block():
    model = tiny_gpt2()
    calib = torch.randint(0, 64, (8, 32))
    qm, hessians = qz.gptq_quantize_model(model, calib, bits=3, blocksize=16)
    assert set(hessians) == set(qz.quantizable_layers(model))
    assert hessians["transformer.h.1.mlp.c_proj"].shape == (128, 128)
    w = qm.transformer.h[1].attn.c_attn.weight            # Conv1D (in, out)
    assert max(len(torch.unique(w[:, j])) for j in range(w.shape[1])) <= 8
    assert torch.equal(qm.lm_head.weight, model.lm_head.weight)
    ids = torch.randint(0, 64, (1, 16))
    assert torch.isfinite(qm(input_ids=ids).logits).all()
