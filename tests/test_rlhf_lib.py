"""llmz.rlhf against trl 1.16, which is the oracle wherever it computes the same thing: the reward
loss of RewardTrainer, the sigmoid loss of DPOTrainer, GRPOTrainer's advantages and its four
loss aggregations, all on the course model (no download). GAE and PPO's clipped loss are checked
against a transcription of the last PPOTrainer trl shipped (0.11), since 1.16 has none."""
from __future__ import annotations

import copy
import math
import random

import pytest
import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer

from llmz import rlhf
from llmz.models import COURSE_MODEL

ROWS = [{"prompt": p, "chosen": c, "rejected": r} for p, c, r in [
    ("Good morrow, my lord,", " sweet love and joy to you", " death and blood"),
    ("What news from Padua?", " the fairest of all", " a plague upon the house"),
    ("O Romeo, Romeo,", " my gentle friend", " villain, I hate thee"),
    ("To be, or not to be:", " that is the question", " a foul and cursed night"),
]]


@pytest.fixture(scope="module")
def tok():
    return AutoTokenizer.from_pretrained(COURSE_MODEL)


def _args(cls, tmp_path, **kw):
    return cls(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=4,
               report_to=[], use_cpu=True, save_strategy="no", bf16=False, **kw)


def _perturb(model, seed=0, scale=0.05):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=g) * scale)


def test_bradley_terry_loss_equals_reward_trainer(tok, tmp_path):
    from trl import RewardConfig, RewardTrainer

    model = AutoModelForSequenceClassification.from_pretrained(COURSE_MODEL, num_labels=1)
    model.config.pad_token_id = tok.pad_token_id
    trainer = RewardTrainer(model=model, args=_args(RewardConfig, tmp_path),
                            train_dataset=Dataset.from_list(ROWS), processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))
    model.eval()
    with torch.no_grad():
        theirs = trainer.compute_loss(model, batch)
        rewards = model(input_ids=batch["input_ids"],
                        attention_mask=batch["attention_mask"]).logits.squeeze(-1)
    chosen, rejected = rewards.chunk(2)
    assert torch.allclose(rlhf.bradley_terry_loss(chosen, rejected), theirs, atol=1e-6)
    margin = torch.tensor([0.5, 0.0, 1.0, 2.0])
    with torch.no_grad():
        theirs = trainer.compute_loss(model, {**batch, "margin": margin})
    assert torch.allclose(rlhf.bradley_terry_loss(chosen, rejected, margin), theirs, atol=1e-6)


def test_sequence_logprobs_and_dpo_loss_equal_dpo_trainer(tok, tmp_path):
    from trl import DPOConfig, DPOTrainer

    model = AutoModelForCausalLM.from_pretrained(COURSE_MODEL)
    trainer = DPOTrainer(model=model, args=_args(DPOConfig, tmp_path, beta=0.3),
                         train_dataset=Dataset.from_list(ROWS), processing_class=tok)
    _perturb(model)  # the reference was copied before: policy and reference now differ
    batch = next(iter(trainer.get_train_dataloader()))
    model.eval()
    ref = trainer.ref_model if trainer.ref_model is not None else None
    assert ref is not None
    with torch.no_grad():
        theirs = trainer.compute_loss(model, batch)
        ids, am, cm = batch["input_ids"], batch["attention_mask"], batch["completion_mask"]
        pol = rlhf.sequence_logprobs(model(input_ids=ids, attention_mask=am).logits, ids, cm)
        rl = rlhf.sequence_logprobs(ref(input_ids=ids, attention_mask=am).logits, ids, cm)
    pc, pr = pol.chunk(2)
    rc, rr = rl.chunk(2)
    ours, cr, rj = rlhf.dpo_loss(pc, pr, rc, rr, beta=0.3)
    assert abs(float(ours) - float(theirs)) < 1e-5, (float(ours), float(theirs))
    assert float(ours) != pytest.approx(math.log(2), abs=1e-4)  # the perturbation mattered
    assert torch.allclose(cr, 0.3 * (pc - rc)) and torch.allclose(rj, 0.3 * (pr - rr))


@pytest.mark.parametrize("loss_type", ["grpo", "bnpo", "dr_grpo", "dapo"])
def test_grpo_loss_equals_grpo_trainer(tok, tmp_path, loss_type):
    from trl import GRPOConfig, GRPOTrainer

    model = AutoModelForCausalLM.from_pretrained(COURSE_MODEL)
    args = _args(GRPOConfig, tmp_path, loss_type=loss_type, beta=0.0, epsilon=0.2,
                 epsilon_high=0.28, num_generations=4, max_completion_length=6)
    trainer = GRPOTrainer(model=model, reward_funcs=[lambda completions, **k: [0.0] * len(
        completions)], args=args, train_dataset=Dataset.from_list(
        [{"prompt": r["prompt"]} for r in ROWS]), processing_class=tok)
    model.eval()
    g = torch.Generator().manual_seed(1)
    b, t = 4, 6
    prompt_ids = torch.randint(0, 2000, (b, 3), generator=g)
    completion_ids = torch.randint(0, 2000, (b, t), generator=g)
    completion_mask = torch.tensor([[1] * n + [0] * (t - n) for n in (1, 6, 3, 4)])
    ids = torch.cat([prompt_ids, completion_ids], 1)
    am = torch.cat([torch.ones_like(prompt_ids), completion_mask], 1)
    with torch.no_grad():
        lp = rlhf.token_logprobs(model(input_ids=ids, attention_mask=am).logits, ids)[:, 3:]
    old = lp + torch.randn(b, t, generator=g) * 0.4  # ratios away from 1: clipping is active
    adv = torch.tensor([1.0, -0.5, 2.0, -1.5])
    inputs = {"prompt_ids": prompt_ids, "prompt_mask": torch.ones_like(prompt_ids),
              "completion_ids": completion_ids, "completion_mask": completion_mask,
              "advantages": adv, "old_per_token_logps": old,
              "num_items_in_batch": completion_mask.sum()}
    with torch.no_grad():
        theirs = trainer._compute_loss(model, inputs)
    ours = rlhf.grpo_loss(lp, old, adv, completion_mask, loss_type, 0.2, 0.28,
                          max_completion_length=t)
    assert abs(float(ours) - float(theirs)) < 1e-5, (loss_type, float(ours), float(theirs))


def test_group_advantages_follow_trl():
    from trl.trainer.utils import nanstd

    g = torch.Generator().manual_seed(0)
    r = torch.randn(12, generator=g)
    mean = r.view(-1, 4).mean(1).repeat_interleave(4)
    std = nanstd(r.view(-1, 4), dim=1).repeat_interleave(4)
    assert torch.allclose(rlhf.group_advantages(r, 4), (r - mean) / (std + 1e-4), atol=1e-6)
    assert torch.allclose(rlhf.group_advantages(r, 4, "none"), r - mean, atol=1e-6)
    assert torch.allclose(rlhf.group_advantages(r, 4, "batch"), (r - mean) / (nanstd(r) + 1e-4),
                          atol=1e-6)


def test_gae_and_ppo_loss_equal_trl_011_transcription():
    """trl 0.11's PPOv2Trainer: values and rewards zeroed past each response, GAE backwards over
    the whole tensor, then the clipped loss averaged with masked_mean over the response."""
    g = torch.Generator().manual_seed(0)
    b, t = 3, 7
    lengths = torch.tensor([7, 3, 1])
    mask = (torch.arange(t)[None] < lengths[:, None]).float()
    rewards, values = torch.randn(b, t, generator=g) * mask, torch.randn(b, t, generator=g) * mask
    gamma, lam = 0.95, 0.9
    last, rev = 0, []
    for k in reversed(range(t)):
        nxt = values[:, k + 1] if k < t - 1 else 0.0
        delta = rewards[:, k] + gamma * nxt - values[:, k]
        last = delta + gamma * lam * last
        rev.append(last)
    adv = torch.stack(rev[::-1], 1)
    ours_adv, ours_ret = rlhf.gae(rewards, values, mask, gamma, lam)
    assert torch.allclose(ours_adv * mask, adv * mask, atol=1e-6)
    assert torch.allclose(ours_ret * mask, (adv + values) * mask, atol=1e-6)

    new = -torch.rand(b, t, generator=g)
    old = new + torch.randn(b, t, generator=g) * 0.3
    ratio = torch.exp(new - old)
    pg1, pg2 = -adv * ratio, -adv * torch.clamp(ratio, 0.8, 1.2)
    want = (torch.max(pg1, pg2) * mask).sum() / mask.sum()
    frac = ((pg2 > pg1).float() * mask).sum() / mask.sum()
    loss, got_frac = rlhf.ppo_clip_loss(new, old, adv, mask, 0.2)
    assert torch.allclose(loss, want, atol=1e-6) and torch.allclose(got_frac, frac)


def test_k1_and_k3_are_unbiased_and_k3_is_never_negative():
    g = torch.Generator().manual_seed(0)
    p = torch.softmax(torch.randn(16, generator=g), 0)
    q = torch.softmax(torch.randn(16, generator=g), 0)
    exact = float((p * (p.log() - q.log())).sum())
    ys = torch.multinomial(p, 200000, replacement=True, generator=g)
    for est in ("k1", "k3"):
        got = float(rlhf.per_token_kl(p.log()[ys], q.log()[ys], est).mean())
        assert abs(got - exact) < 0.01, (est, got, exact)
    assert bool((rlhf.per_token_kl(p.log()[ys], q.log()[ys], "k3") >= 0).all())


def test_annotator_orders_pairs_as_bradley_terry_says():
    ann = rlhf.Annotator(temperature=1.0, seed=0)
    good, bad = "sweet love and joy", "love"  # true rewards 3 and 1: P(right) = sigmoid(2)
    assert rlhf.true_reward(good) - rlhf.true_reward(bad) == 2
    wins = sum(ann.rank([good, bad])[0] == 0 for _ in range(4000)) / 4000
    assert abs(wins - 1 / (1 + math.exp(-2))) < 0.03
    assert sorted(ann.rank(["a", "b", "c", "d"])) == [0, 1, 2, 3]
    assert rlhf.ranking_to_pairs([2, 0, 1]) == [(2, 0), (2, 1), (0, 1)]
    assert rlhf.true_reward("love love love") < rlhf.true_reward("love")  # repetition is not loved


def test_sampled_completion_masks_stop_after_end_of_text(tok):
    model = AutoModelForCausalLM.from_pretrained(COURSE_MODEL).eval()
    random.seed(0)
    roll = rlhf.sample_responses(model, tok, ["Good morrow,", "O Romeo, Romeo, wherefore"], n=3,
                                 max_new_tokens=8, seed=0)
    cm, ids = roll["completion_mask"], roll["ids"]
    assert ids.shape[0] == 6 and cm[:, :roll["prompt_len"]].sum() == 0
    for row, m in zip(ids, cm):
        comp = row[roll["prompt_len"]:][m[roll["prompt_len"]:].bool()].tolist()
        assert tok.eos_token_id not in comp[:-1]


def test_value_head_reads_the_state_before_each_token(tok):
    model = AutoModelForCausalLM.from_pretrained(COURSE_MODEL).eval()
    head = torch.nn.Linear(model.config.n_embd, 1)
    tok.padding_side = "left"
    enc = tok(["Good morrow,", "O Romeo, Romeo, wherefore"], return_tensors="pt", padding=True)
    tok.padding_side = "right"
    ids, am = enc["input_ids"], enc["attention_mask"]
    with torch.no_grad():
        lp, values = rlhf.logprobs_and_values(model, head, ids, am)
        torch.testing.assert_close(lp, rlhf.policy_token_logprobs(model, ids, am))
        pos = (am.cumsum(-1) - 1).clamp(min=0)
        h = model.transformer(input_ids=ids, attention_mask=am, position_ids=pos).last_hidden_state
        torch.testing.assert_close(values[:, 1:], head(h[:, :-1]).squeeze(-1))
    assert (values[:, 0] == 0).all()


def test_ppo_train_moves_the_policy_and_not_the_reference(tok):
    torch.manual_seed(0)
    ref = AutoModelForCausalLM.from_pretrained(COURSE_MODEL).eval()
    policy = copy.deepcopy(ref)
    before = [p.clone() for p in ref.parameters()]
    rm = rlhf.ScalarHead(copy.deepcopy(ref.transformer), ref.config.n_embd).eval()
    hist = rlhf.ppo_train(policy, ref, rm, tok, ["Good morrow,", "O Romeo,"], iterations=2,
                          batch_size=4, max_new_tokens=4, kl_coef=0.1, seed=0)
    assert {len(v) for k, v in hist.items() if k != "samples"} == {2}
    assert hist["kl"][0] == pytest.approx(0.0, abs=1e-5)    # the first rollout is the reference's
    assert all(torch.equal(a, b) for a, b in zip(before, ref.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(ref.parameters(), policy.parameters()))
