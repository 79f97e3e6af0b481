"""Unit tests of llmz/gpt.py: our GPT against Hugging Face's GPT-2. CPU only, a few seconds."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from llmz import gpt

transformers = pytest.importorskip("transformers")

CFG = gpt.GPTConfig(vocab_size=50, n_ctx=16, n_layer=2, n_head=2, n_embd=32, dropout=0.0,
                    bos_token_id=49, eos_token_id=49, pad_token_id=49)


def randomize(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Seeded random weights everywhere, biases too (LayerNorm gains near 1), far from the init
    so that every parameter matters."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            gain = name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight"))
            p.copy_(1 + 0.2 * noise if gain else 0.3 * noise)
    return model


def hf_forward(hf_model, ids, **kw):
    """HF GPT-2 on unpadded ids (an explicit all-ones mask, else HF warns as pad == eos)."""
    with torch.no_grad():
        return hf_model(ids, attention_mask=torch.ones_like(ids), **kw)


@pytest.fixture(scope="module")
def model():
    return randomize(gpt.GPT(CFG)).eval()


@pytest.fixture(scope="module")
def hf(model):
    return gpt.to_hf(model).eval()


@pytest.fixture(scope="module")
def ids():
    return torch.randint(0, CFG.vocab_size, (3, CFG.n_ctx),
                         generator=torch.Generator().manual_seed(1))


def test_to_hf_same_logits(model, hf, ids):
    logits, loss = model(ids)
    assert loss is None and logits.shape == (3, CFG.n_ctx, CFG.vocab_size)
    torch.testing.assert_close(hf_forward(hf, ids).logits, logits, atol=1e-5, rtol=1e-5)


def test_to_hf_without_biases(ids):
    cfg = gpt.GPTConfig(**{**CFG.__dict__, "bias": False})
    m = randomize(gpt.GPT(cfg)).eval()
    torch.testing.assert_close(hf_forward(gpt.to_hf(m), ids).logits, m(ids)[0], atol=1e-5,
                               rtol=1e-5)


def test_from_hf_round_trip(model, hf):
    back = gpt.from_hf(hf)
    assert back.config == model.config
    ours, theirs = model.state_dict(), back.state_dict()
    assert ours.keys() == theirs.keys()
    for k in ours:
        assert torch.equal(ours[k], theirs[k]), k


def test_save_pretrained_auto_class(model, ids, tmp_path):
    path = gpt.save_pretrained(model, tmp_path / "ckpt")
    assert (path / "model.safetensors").exists() and (path / "config.json").exists()
    loaded = transformers.AutoModelForCausalLM.from_pretrained(path).eval()
    torch.testing.assert_close(hf_forward(loaded, ids).logits, model(ids)[0], atol=1e-5,
                               rtol=1e-5)
    size = sum(f.stat().st_size for f in path.iterdir())
    assert size < 2 * 4 * model.num_params() + 20_000, "tied weights saved once, fp32"
    back = gpt.load_pretrained(path)
    assert not back.training and back.config == model.config


def test_save_pretrained_with_course_tokenizer(model, tmp_path):
    from llmz.bpe import load_course_tokenizer

    tok = load_course_tokenizer()
    cfg = gpt.GPTConfig()  # the defaults use the course tokenizer's <|endoftext|>
    path = gpt.save_pretrained(gpt.GPT(gpt.GPTConfig(vocab_size=cfg.vocab_size, n_ctx=8,
                                                     n_layer=1, n_head=1, n_embd=8)),
                               tmp_path / "ckpt", tokenizer=tok)
    hf_tok = transformers.AutoTokenizer.from_pretrained(path)
    text = "To be, or not to be<|endoftext|>"
    assert hf_tok(text)["input_ids"] == tok.encode(text)
    assert hf_tok.eos_token_id == hf_tok.pad_token_id == cfg.eos_token_id == 2047


def test_causal(model, ids):
    t = 7
    changed = ids.clone()
    changed[:, t:] = (ids[:, t:] + 1) % CFG.vocab_size
    a, b = model(ids)[0], model(changed)[0]
    torch.testing.assert_close(a[:, :t], b[:, :t], atol=1e-6, rtol=0)
    assert not torch.allclose(a[:, t:], b[:, t:])


def test_loss_matches_cross_entropy_and_hf(model, hf, ids):
    x, y = ids[:, :-1], ids[:, 1:].clone()
    logits, loss = model(x, y)
    torch.testing.assert_close(loss, F.cross_entropy(logits.reshape(-1, CFG.vocab_size),
                                                     y.reshape(-1)))
    hf_loss = hf_forward(hf, ids, labels=ids).loss  # HF shifts the labels itself
    torch.testing.assert_close(hf_loss, loss, atol=1e-5, rtol=1e-5)
    y[0, :5] = -100  # ignored positions
    _, masked = model(x, y)
    keep = y.reshape(-1) != -100
    torch.testing.assert_close(masked, F.cross_entropy(logits.reshape(-1, CFG.vocab_size)[keep],
                                                       y.reshape(-1)[keep]))


def test_greedy_generate_matches_hf(model, hf, ids):
    prompt, n = ids[:, :4], CFG.n_ctx - 4
    ours = model.generate(prompt, n, do_sample=False)
    assert ours.shape == (3, 4 + n) and torch.equal(ours, model.generate(prompt, n, temperature=0))
    assert len(ours[:, 4:].unique()) > 3, "these weights should not collapse to one token"
    assert not (ours[:, 4:] == CFG.eos_token_id).any(), "HF would stop at eos: pick other weights"
    theirs = hf.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=False,
                         max_new_tokens=n)
    assert torch.equal(ours, theirs)


def test_sampling_is_seeded_and_top_k(model, ids):
    prompt = ids[:2, :3]
    a = model.generate(prompt, 6, top_k=1, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a, model.generate(prompt, 6, do_sample=False)), "top_k=1 is greedy"
    b = model.generate(prompt, 6, temperature=1.5, generator=torch.Generator().manual_seed(3))
    c = model.generate(prompt, 6, temperature=1.5, generator=torch.Generator().manual_seed(3))
    assert torch.equal(b, c)
    long = model.generate(prompt, CFG.n_ctx + 4, do_sample=False)  # crops to n_ctx
    assert long.shape == (2, 3 + CFG.n_ctx + 4)


def test_weight_tying_init_and_optimizer():
    torch.manual_seed(0)
    m = gpt.GPT(CFG)
    assert m.lm_head.weight is m.transformer.wte.weight
    assert m.lm_head.weight.data_ptr() == m.transformer.wte.weight.data_ptr()
    n = sum(p.numel() for p in m.parameters())
    assert m.num_params() == n and m.num_params(non_embedding=True) == n - CFG.n_ctx * CFG.n_embd
    proj = m.transformer.h[0].attn.c_proj.weight
    assert abs(proj.std().item() - 0.02 / (2 * CFG.n_layer) ** 0.5) < 0.004
    assert abs(m.transformer.wte.weight.std().item() - 0.02) < 0.004
    opt = m.configure_optimizer(weight_decay=0.1, lr=1e-3, betas=(0.9, 0.95), device="cpu")
    decay, no_decay = opt.param_groups
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(p.dim() == 2 for p in decay["params"])
    assert all(p.dim() == 1 for p in no_decay["params"])
    assert sum(len(g["params"]) for g in opt.param_groups) == len(list(m.parameters()))
    # a training step moves the tied matrix once, through both of its uses
    x = torch.randint(0, CFG.vocab_size, (2, 9))
    _, loss = m(x[:, :-1], x[:, 1:])
    loss.backward()
    opt.step()
    assert m.lm_head.weight is m.transformer.wte.weight


# --------------------------------------------------------------------------------------------
# the ablation knobs (chapter 3): defaults are GPT-2, each knob changes one thing
# --------------------------------------------------------------------------------------------
def ablated(**knobs) -> gpt.GPTConfig:
    return gpt.GPTConfig(**{**CFG.__dict__, **knobs})


def test_default_knobs_are_gpt2():
    cfg = gpt.GPTConfig()
    assert cfg.pos_emb and cfg.residual and cfg.norm == "pre" and cfg.is_gpt2()
    assert not ablated(norm="post").is_gpt2() and not ablated(residual=False).is_gpt2()
    with pytest.raises(ValueError, match="norm"):
        gpt.GPTConfig(norm="sandwich")


def test_ablated_models_have_no_hf_twin():
    for knobs in ({"pos_emb": False}, {"residual": False}, {"norm": "post"}):
        with pytest.raises(ValueError, match="no Hugging Face twin"):
            gpt.to_hf(gpt.GPT(ablated(**knobs)))


def test_default_block_is_pre_ln_with_residuals():
    torch.manual_seed(0)
    block = randomize(gpt.Block(CFG)).eval()
    x = torch.randn(2, 5, CFG.n_embd)
    h = x + block.attn(block.ln_1(x))
    torch.testing.assert_close(block(x), h + block.mlp(block.ln_2(h)))


def test_same_seed_same_weights_for_every_knob():
    """The knobs add or remove no parameter except ``wpe``, and draw the same initial weights."""
    torch.manual_seed(0)
    ref = gpt.GPT(CFG).state_dict()
    for knobs in ({"residual": False}, {"norm": "post"}):
        torch.manual_seed(0)
        other = gpt.GPT(ablated(**knobs)).state_dict()
        assert other.keys() == ref.keys()
        assert all(torch.equal(other[k], ref[k]) for k in ref), knobs


def test_no_position_embedding():
    torch.manual_seed(0)
    m = randomize(gpt.GPT(ablated(pos_emb=False))).eval()
    assert "wpe" not in m.transformer
    assert m.num_params() == m.num_params(non_embedding=True)
    assert m.num_params() == gpt.GPT(CFG).num_params() - CFG.n_ctx * CFG.n_embd
    # the same token repeated: without positions every position sees the same set of vectors,
    # so every position predicts the same; with positions they differ
    same = torch.full((1, 8), 3)
    logits = m(same)[0][0]
    torch.testing.assert_close(logits, logits[:1].expand_as(logits), atol=1e-5, rtol=1e-5)
    with_pos = randomize(gpt.GPT(CFG)).eval()(same)[0][0]
    assert not torch.allclose(with_pos, with_pos[:1].expand_as(with_pos), atol=1e-3)
    hist_ids = torch.randint(0, CFG.vocab_size, (2, 9))
    _, loss = m(hist_ids[:, :-1], hist_ids[:, 1:])
    loss.backward()  # trains
    assert m.transformer.wte.weight.grad is not None


def test_no_residual_block():
    torch.manual_seed(0)
    block = randomize(gpt.Block(ablated(residual=False))).eval()
    x = torch.randn(2, 5, CFG.n_embd)
    torch.testing.assert_close(block(x), block.mlp(block.ln_2(block.attn(block.ln_1(x)))))


def test_post_ln_block():
    torch.manual_seed(0)
    block = gpt.Block(ablated(norm="post")).eval()  # LayerNorm gains 1, biases 0
    x = 3 * torch.randn(2, 5, CFG.n_embd) + 1
    h = block.ln_1(x + block.attn(x))
    y = block(x)
    torch.testing.assert_close(y, block.ln_2(h + block.mlp(h)))
    # a post-LN block's output is normalised: mean 0 and std 1 at every position
    torch.testing.assert_close(y.mean(-1), torch.zeros(2, 5), atol=1e-5, rtol=0)
    torch.testing.assert_close(y.var(-1, unbiased=False), torch.ones(2, 5), atol=1e-3, rtol=0)
    both = gpt.Block(ablated(norm="post", residual=False)).eval()
    torch.testing.assert_close(both(x), both.ln_2(both.mlp(both.ln_1(both.attn(x)))))


def test_ablated_models_stay_causal_and_train():
    ids = torch.randint(0, CFG.vocab_size, (2, CFG.n_ctx), generator=torch.Generator().manual_seed(2))
    for knobs in ({"pos_emb": False}, {"residual": False}, {"norm": "post"}):
        torch.manual_seed(0)
        m = gpt.GPT(ablated(**knobs))
        changed = ids.clone()
        changed[:, 7:] = (ids[:, 7:] + 1) % CFG.vocab_size
        with torch.no_grad():
            a, b = m(ids)[0], m(changed)[0]
        torch.testing.assert_close(a[:, :7], b[:, :7], atol=1e-6, rtol=0)
        opt = m.configure_optimizer(0.0, 3e-3, device="cpu")
        losses = []
        for _ in range(30):  # memorise one batch
            _, loss = m(ids[:, :-1], ids[:, 1:])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0] - 0.5, knobs
