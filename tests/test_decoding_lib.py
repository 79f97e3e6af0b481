"""Unit tests of llmz/decoding.py against transformers' logits processors and ``generate``.
CPU only, offline, a few seconds: a tiny random GPT-2."""
from __future__ import annotations

import pytest
import torch

from llmz import decoding

transformers = pytest.importorskip("transformers")
from transformers import (GPT2Config, GPT2LMHeadModel, NoRepeatNGramLogitsProcessor,  # noqa: E402
                          RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper,
                          TopKLogitsWarper, TopPLogitsWarper)

V, EOS = 40, 39


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=V, n_positions=64, n_embd=32, n_layer=2, n_head=2,
                     bos_token_id=EOS, eos_token_id=EOS, pad_token_id=EOS)
    m = GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():  # larger weights than the init: peaked, varied distributions
        for p in m.parameters():
            p.mul_(4.0) if p.dim() > 1 else None
    m.generation_config.pad_token_id = EOS
    return m


def hf_generate(model, ids, **kw):
    with torch.no_grad():
        return model.generate(ids, attention_mask=torch.ones_like(ids), **kw)


def logits_with_ties(seed=0, shape=(6, 50)):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g)
    x[:, 5:12] = x[:, 3:4]          # a block of ties in every row
    x[0] = 0.0                      # a row that is all ties
    x[1, 20:] = float("-inf")       # a row with tokens already filtered out
    return x


IDS = torch.randint(0, 50, (6, 9), generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("t", [0.3, 1.0, 2.5])
def test_temperature(t):
    x = logits_with_ties()
    torch.testing.assert_close(decoding.apply_temperature(x, t), TemperatureLogitsWarper(t)(IDS, x))


def test_temperature_rejects_zero():
    with pytest.raises(ValueError):
        decoding.apply_temperature(logits_with_ties(), 0.0)


@pytest.mark.parametrize("k,keep", [(1, 1), (3, 1), (6, 1), (50, 1), (80, 1), (2, 4)])
def test_top_k(k, keep):
    x = logits_with_ties()
    ours = decoding.top_k_filter(x, k, min_tokens_to_keep=keep)
    assert torch.equal(ours, TopKLogitsWarper(k, min_tokens_to_keep=keep)(IDS, x))


@pytest.mark.parametrize("p,keep", [(0.0, 1), (0.1, 1), (0.5, 1), (0.9, 1), (0.99, 1), (1.0, 1),
                                    (0.3, 3)])
def test_top_p(p, keep):
    for seed in range(3):
        x = logits_with_ties(seed)
        ours = decoding.top_p_filter(x, p, min_tokens_to_keep=keep)
        assert torch.equal(ours, TopPLogitsWarper(p, min_tokens_to_keep=keep)(IDS, x))


def test_top_p_the_cat_is():
    logits = torch.tensor([[0.4, 0.3, 0.2, 0.1]]).log()
    kept = lambda p: torch.isfinite(decoding.top_p_filter(logits, p)).sum().item()  # noqa: E731
    assert [kept(p) for p in (0.3, 0.5, 0.85, 0.95)] == [1, 2, 3, 4]


@pytest.mark.parametrize("penalty", [0.5, 1.3, 2.0])
def test_repetition_penalty(penalty):
    x = logits_with_ties()[:, :50]
    ours = decoding.apply_repetition_penalty(x, IDS, penalty)
    torch.testing.assert_close(ours, RepetitionPenaltyLogitsProcessor(penalty)(IDS, x.clone()))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_no_repeat_ngram(n):
    ids = torch.tensor([[1, 2, 3, 1, 2, 4, 1, 2], [5, 5, 5, 5, 5, 5, 6, 5],
                        [7, 8, 9, 10, 11, 7, 8, 9]])
    x = torch.randn(3, 12, generator=torch.Generator().manual_seed(2))
    assert torch.equal(decoding.ban_repeated_ngrams(x, ids, n),
                       NoRepeatNGramLogitsProcessor(n)(ids, x.clone()))


def test_distinct_n():
    assert decoding.distinct_n([1, 2, 3, 4], 2) == 1.0
    assert decoding.distinct_n([1, 2, 1, 2, 1, 2], 2) == 2 / 5
    assert decoding.distinct_n([7] * 10, 1) == 0.1
    assert decoding.distinct_n([1], 2) == 0.0


PROMPTS = [torch.tensor([[3, 17, 8]]), torch.tensor([[25, 1, 1, 30, 2]]), torch.tensor([[12]])]


@pytest.mark.parametrize("eos", [None, EOS])
def test_greedy_matches_generate(model, eos):
    for ids in PROMPTS:
        ours = decoding.greedy(model, ids, 20, eos_token_id=eos)
        theirs = hf_generate(model, ids, max_new_tokens=20, do_sample=False,
                             eos_token_id=eos if eos is not None else [])
        assert torch.equal(ours, theirs)


def test_greedy_batch_with_eos(model):
    ids = torch.randint(0, V, (5, 4), generator=torch.Generator().manual_seed(3))
    # an eos the model actually produces, so that rows finish at different steps
    eos = int(torch.mode(decoding.greedy(model, ids, 12)[:, 4:].flatten()).values)
    ours = decoding.greedy(model, ids, 12, eos_token_id=eos, pad_token_id=0)
    theirs = hf_generate(model, ids, max_new_tokens=12, do_sample=False, eos_token_id=eos,
                         pad_token_id=0)
    assert torch.equal(ours, theirs)


def test_greedy_with_penalties_matches_generate(model):
    ids = PROMPTS[1]
    for kw in [dict(repetition_penalty=1.5), dict(no_repeat_ngram_size=2),
               dict(repetition_penalty=1.2, no_repeat_ngram_size=3)]:
        ours = decoding.greedy(model, ids, 25, **kw)
        theirs = hf_generate(model, ids, max_new_tokens=25, do_sample=False, eos_token_id=[],
                             **kw)
        assert torch.equal(ours, theirs), kw


@pytest.mark.parametrize("kw", [dict(temperature=1.0, top_k=0), dict(temperature=0.7, top_k=5),
                                dict(top_p=0.8, top_k=0),
                                dict(temperature=1.3, top_k=8, top_p=0.9)])
def test_sample_matches_generate_with_same_seed(model, kw):
    ids = PROMPTS[0].repeat(4, 1)
    torch.manual_seed(7)
    ours = decoding.sample(model, ids, 20, **kw)
    torch.manual_seed(7)
    theirs = hf_generate(model, ids, max_new_tokens=20, do_sample=True, eos_token_id=[], **kw)
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("num_beams", [1, 2, 3, 5])
def test_beam_search_matches_generate(model, num_beams):
    for ids in PROMPTS:
        ours = decoding.beam_search(model, ids, 15, num_beams=num_beams)
        theirs = hf_generate(model, ids, max_new_tokens=15, num_beams=num_beams,
                             do_sample=False, eos_token_id=[])
        assert torch.equal(ours, theirs)


# (prompt, num_beams, eos) where hypotheses end before the length limit: the best one
# early (eos 8, 18, 39), or while the search goes on (eos 23, 24, 28), with the early stop
BEAM_EOS_CASES = [(0, 2, 8), (0, 2, 23), (1, 2, 18), (2, 2, 39), (0, 4, 8), (0, 4, 23),
                  (1, 4, 1), (2, 4, 24), (2, 4, 28), (1, 3, 39)]


@pytest.mark.parametrize("prompt,num_beams,eos", BEAM_EOS_CASES)
def test_beam_search_with_eos_matches_generate(model, prompt, num_beams, eos):
    ids = PROMPTS[prompt]
    ours = decoding.beam_search(model, ids, 12, num_beams=num_beams, eos_token_id=eos)
    theirs = hf_generate(model, ids, max_new_tokens=12, num_beams=num_beams, do_sample=False,
                         eos_token_id=eos, pad_token_id=eos)
    assert torch.equal(ours, theirs)


def test_beam_search_eos_cases_end_early(model):
    early = 0
    for prompt, num_beams, eos in BEAM_EOS_CASES:
        trace = []
        decoding.beam_search(model, PROMPTS[prompt], 12, num_beams=num_beams, eos_token_id=eos,
                             trace=trace)
        early += any(r["status"] == "finished" for rows in trace[:-1] for r in rows)
    assert early >= 8


def test_beam_search_finds_likelier_sequences_than_greedy(model):
    for ids in PROMPTS:
        g = decoding.greedy(model, ids, 10)
        b = decoding.beam_search(model, ids, 10, num_beams=4)
        start = ids.size(1)
        logp_beam = decoding.sequence_logprob(model, b, start)
        assert logp_beam >= decoding.sequence_logprob(model, g, start) - 1e-5


def test_beam_search_trace(model):
    trace = []
    decoding.beam_search(model, PROMPTS[0], 6, num_beams=3, trace=trace)
    assert len(trace) == 6 and all(len(rows) == 6 for rows in trace)
    assert sum(r["status"] == "kept" for r in trace[0]) == 3
    assert sum(r["status"] == "finished" for r in trace[-1]) == 3


def test_sequence_logprob(model):
    ids = torch.tensor([[3, 17, 8, 4]])
    with torch.no_grad():
        logp = model(ids).logits.log_softmax(-1)
    expected = logp[0, 1, 8] + logp[0, 2, 4]
    torch.testing.assert_close(decoding.sequence_logprob(model, ids, 2)[0], expected)
