"""Unit tests of llmz/pretrain.py and llmz/models.py: the pre-training loop, the shipped course
model and the one-call loader. CPU, offline, about half a minute."""
from __future__ import annotations

import hashlib
import json
import math
import os

import pytest
import torch

from llmz import gpt, models, pretrain
from llmz.bpe import load_course_tokenizer

TINY = gpt.GPTConfig(vocab_size=2048, n_ctx=32, n_layer=1, n_head=2, n_embd=32)


@pytest.fixture(scope="module")
def streams():
    return pretrain.split_ids(pretrain.corpus_ids(works=("hamlet", "sonnets")), 0.1)


def test_corpus_ids_end_each_work_with_endoftext():
    works = pretrain.corpus_ids(works=("sonnets",))
    assert len(works) == 1 and works[0][-1].item() == gpt.EOT_ID
    tok = load_course_tokenizer()
    assert tok.decode(works[0][:20].tolist()) in tok.decode(works[0].tolist())
    assert (works[0][:-1] != gpt.EOT_ID).all(), "the text itself contains no <|endoftext|>"


def test_split_holds_out_the_tail_of_every_work():
    works = [torch.arange(100), torch.arange(1000, 1200)]
    train, val = pretrain.split_ids(works, 0.1)
    assert train.tolist() == list(range(90)) + list(range(1000, 1180))
    assert val.tolist() == list(range(90, 100)) + list(range(1180, 1200))


def test_random_batch_targets_are_inputs_shifted_by_one():
    ids = torch.arange(1000)
    x, y = pretrain.random_batch(ids, 4, 16, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 16)
    assert torch.equal(y, x + 1)


def test_lr_schedule_warms_up_then_decays_to_min():
    lrs = [pretrain.lr_at(s, 1.0, warmup=10, total=110, min_lr=0.1) for s in range(111)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a <= b for a, b in zip(lrs[:10], lrs[1:10]))
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:]))
    assert lrs[110] == pytest.approx(0.1)
    assert lrs[60] == pytest.approx(0.55)  # half-way through the cosine


def test_pretrain_lowers_the_validation_loss(streams):
    train, val = streams
    torch.manual_seed(0)
    model = gpt.GPT(TINY)
    hist = pretrain.pretrain(model, train, val, steps=40, batch_size=8, lr=3e-3, warmup=5,
                             eval_every=20, eval_batches=2, device="cpu", progress=False)
    assert hist["eval"][0] > math.log(2048) - 0.5  # untrained: about uniform
    assert hist["eval"][-1] < hist["eval"][0] - 1.0
    assert hist["tokens_per_s"] > 0 and len(hist["train"]) == 40


def test_trainer_benchmark_trains_the_same_architecture(streams):
    train, _ = streams
    out = pretrain.trainer_tokens_per_s(TINY, train, steps=4, batch_size=4, warmup=1,
                                        device="cpu")
    assert out["tokens_per_s"] > 0 and out["train"], out


# ---------------------------------------------------------------------------------------------
# the shipped course model
# ---------------------------------------------------------------------------------------------
def test_course_model_ships_small_and_complete():
    d = models.COURSE_MODEL
    files = {p.name for p in d.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "training.json"} <= files
    size = sum(p.stat().st_size for p in d.iterdir())
    assert size < 12e6, f"the course model is {size / 1e6:.1f} MB; it must stay well under 20 MB"
    meta = json.loads((d / "training.json").read_text())
    sha = hashlib.sha256((d / "model.safetensors").read_bytes()).hexdigest()
    assert meta["sha256"] == sha, "model.safetensors is not the file its training run wrote"
    assert meta["recipe"] == pretrain.COURSE_RECIPE, "the recipe changed: retrain the model"


def test_course_model_loads_with_auto_classes_and_matches_our_gpt():
    model, tok = models.load_model("course")
    assert type(model).__name__ == "GPT2LMHeadModel" and not model.training
    course_tok = load_course_tokenizer()
    text = "Ham.\nTo be, or not to be,--that is the question:--<|endoftext|>"
    assert tok(text)["input_ids"] == course_tok.encode(text)
    assert tok.eos_token_id == gpt.EOT_ID == tok.pad_token_id
    ours = gpt.load_pretrained(models.COURSE_MODEL)
    ids = torch.tensor([course_tok.encode(text)])
    with torch.no_grad():
        hf_logits = model(ids, attention_mask=torch.ones_like(ids)).logits
        assert torch.allclose(ours(ids)[0], hf_logits, atol=1e-4)
        loss = model(ids, attention_mask=torch.ones_like(ids), labels=ids).loss.item()
    assert loss < 5.0, f"the course model's loss on Hamlet is {loss:.2f}: is it trained?"


def test_course_model_chat_template_marks_the_answer():
    _, tok = models.load_model("course")
    chat = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Well met."}]
    text = tok.apply_chat_template(chat, tokenize=False)
    assert text == "### Instruction:\nHi\n\n### Response:\nWell met.<|endoftext|>\n"
    enc = tok.apply_chat_template(chat, return_dict=True, return_assistant_tokens_mask=True)
    answer = [i for i, m in zip(enc["input_ids"], enc["assistant_masks"]) if m]
    assert tok.decode(answer) == "Well met.<|endoftext|>"
    prompt = tok.apply_chat_template(chat[:1], tokenize=False, add_generation_prompt=True)
    assert prompt.endswith("### Response:\n")


# The recipe is deterministic on one machine (one thread, deterministic algorithms, the pinned
# CPU build of torch), but float32 addition is not associative: the order in which a matmul or a
# reduction adds its terms depends on the CPU's vector width (AVX2, AVX-512, NEON), the thread
# count and the kernels of the torch build. Another order changes a result in its last bits, and
# every AdamW step feeds that into the weights, where it accumulates (the update m / sqrt(v) is
# scale-free: a rounding difference in a tiny gradient moves a weight as much as one in a large
# gradient). Measured on an AMD EPYC (AVX2, torch 2.13.0+cpu) against the log shipped from another
# machine, with 1 or 2 threads, oneDNN on or off, AVX2 or ATEN_CPU_CAPABILITY=default kernels: the
# training losses differ by at most 1.3e-7 relative (one or two float32 ulps) over 8 steps and
# still over 40, the first validation loss by 3.1e-9; the weights (relative norm of the
# difference) by 1.1e-7 after 8 steps and 3.2e-7 after 40. 1e-4 leaves a margin of ~750 for other
# CPUs and builds and still fails on a real change: a 1 % higher learning rate moves the losses
# by up to 2.6e-4, another seed by 1e-2. (Dropping weight decay moves them by only 2.4e-6: the
# recipe itself is pinned by test_course_model_ships_small_and_complete.)
REPRO_RTOL = 1e-4
STRICT = os.environ.get("LLMZ_STRICT_REPRO") == "1"


@pytest.fixture(scope="module")
def course_start(tmp_path_factory):
    """The first 8 steps of the documented reproduction (the whole run,
    `python -m llmz.pretrain --out DIR`, takes ~15 min), and the shipped run's log."""
    shipped = json.loads((models.COURSE_MODEL / "training.json").read_text())["history"]
    threads = torch.get_num_threads()
    try:
        meta = pretrain.train_course_model(tmp_path_factory.mktemp("course") / "m",
                                           {**pretrain.COURSE_RECIPE, "steps": 8}, progress=False)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(False)
    return meta["history"], shipped


def test_course_model_recipe_reproduces_the_shipped_losses(course_start):
    """Within REPRO_RTOL on any CPU (x86-64 or ARM) and torch build: see the comment above."""
    got, shipped = course_start
    assert got["train"] == pytest.approx(shipped["train"][:8], rel=REPRO_RTOL)
    assert got["eval"][0] == pytest.approx(shipped["eval"][0], rel=REPRO_RTOL)


@pytest.mark.skipif(not STRICT, reason="bit-for-bit replay: LLMZ_STRICT_REPRO=1 make test, on the "
                                       "machine kind and torch build that trained the model")
def test_course_model_recipe_replays_the_shipped_losses_bit_for_bit(course_start):
    """The shipped log exactly: holds only where the model was trained (see README)."""
    got, shipped = course_start
    assert got["train"] == shipped["train"][:8]
    assert got["eval"][0] == shipped["eval"][0]


def test_load_model_explains_what_is_missing(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(models.ModelUnavailable, match="offline"):
        models.load_model("someone/some-model")
    assert models.model_available("course")
    assert not models.model_available("someone/some-model")
