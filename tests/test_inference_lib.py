"""llmz.inference (chapter 11): the KV cache, batching and export helpers against full
recomputation, per-sequence decoding and transformers, on the course model (no downloads)."""
import copy
import math

import numpy as np
import pytest
import torch

import llmz
from llmz import inference as inf


@pytest.fixture(scope="module")
def course():
    return llmz.load_model("course")


def full_causal_attention(q, k, v):
    t = q.shape[2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(scores, -1) @ v


def test_attention_with_cache_equals_full_recomputation_in_any_split():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 9, 8, generator=g) for _ in range(3))
    want = full_causal_attention(q, k, v)
    for split in ([9], [1] * 9, [4, 1, 3, 1], [1, 8]):
        outs, ck, cv, at = [], None, None, 0
        for n in split:
            kk, vv = k[:, :, at:at + n].clone(), v[:, :, at:at + n].clone()
            before = None if ck is None else ck.clone()
            out, ck2, cv2 = inf.attend_with_cache(q[:, :, at:at + n], kk, vv, ck, cv)
            if before is not None:
                assert torch.equal(ck, before), "the cache was written in place"
            ck, cv = ck2, cv2
            outs.append(out)
            at += n
        torch.testing.assert_close(torch.cat(outs, 2), want)
        assert ck.shape == (2, 3, 9, 8)


def test_our_gpt2_forward_and_cache_match_transformers(course):
    model, tok = course
    ids = torch.tensor([tok("ROMEO: But soft, what light")["input_ids"]])
    with torch.no_grad():
        ours, cache = inf.gpt2_forward(model, ids)
        torch.testing.assert_close(ours, model(ids).logits, atol=1e-4, rtol=1e-4)
    want = model.generate(ids, max_new_tokens=12, do_sample=False)
    assert torch.equal(inf.greedy_cached(model, ids, 12), want)
    assert torch.equal(inf.greedy_uncached(model, ids, 12), want)


def test_left_pad_and_positions():
    ids, mask = inf.left_pad([[5], [0, 1, 2]], pad_id=0)
    assert ids.tolist() == [[0, 0, 5], [0, 1, 2]] and mask.tolist() == [[0, 0, 1], [1, 1, 1]]
    assert ids.dtype == mask.dtype == torch.long
    assert inf.position_ids_from_mask(mask.bool()).tolist() == [[1, 1, 0], [0, 1, 2]]
    for bad in ([], [[1], []]):
        with pytest.raises(ValueError):
            inf.left_pad(bad, 0)


def test_batched_greedy_equals_one_prompt_at_a_time(course):
    model, tok = course
    prompts = [tok(t)["input_ids"] for t in ["O", "ROMEO: what light through yonder", "My lord, I"]]
    alone = [model.generate(torch.tensor([p]), max_new_tokens=8, do_sample=False)[0, len(p):].tolist()
             for p in prompts]
    assert inf.batched_greedy(model, prompts, 8, tok.pad_token_id) == alone
    assert inf.batched_greedy(model, prompts, 0, tok.pad_token_id) == [[], [], []]


def test_export_parity_definitions():
    r = np.array([[1.0, 2.0, 0.0], [0.5, 0.1, 0.2]])
    c = torch.tensor([[1.0, 2.5, 0.0], [0.1, 0.5, 0.2]])
    got = inf.export_parity(r, c)
    assert got["max_abs"] == pytest.approx(0.5) and got["argmax_agreement"] == 0.5
    assert got["max_rel"] == pytest.approx(4.0)
    with pytest.raises(ValueError):
        inf.export_parity(r, c[:1])


def test_conv1d_to_linear_keeps_the_function_and_int8_stays_close(course):
    model, tok = course
    ids = torch.tensor([tok("ROMEO: But soft")["input_ids"]])
    lin = inf.conv1d_to_linear(copy.deepcopy(model))
    with torch.no_grad():
        want = model(ids).logits
        torch.testing.assert_close(lin(ids).logits, want, atol=1e-4, rtol=1e-4)
        q = inf.quantize_dynamic_int8(lin)
        par = inf.export_parity(want, q(ids).logits)
    assert par["argmax_agreement"] >= 0.8 and par["max_abs"] < 3
    assert inf.serialized_mb(q) < 0.6 * inf.serialized_mb(model)
