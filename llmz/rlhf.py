"""RLHF and preference tuning (chapter 10): preferences with a known truth, Bradley-Terry reward
models, PPO with a KL penalty and a value head, DPO and GRPO, on the course model.

The losses follow trl's (1.16) definitions, so the chapter can train with them from scratch and
then check trl's trainers against them on the same data:

- :func:`bradley_terry_loss` is ``RewardTrainer``'s loss;
- :func:`sequence_logprobs` sums completion log-probabilities as ``DPOTrainer`` does, and
  :func:`dpo_loss` is its ``loss_type="sigmoid"``;
- :func:`group_advantages` and :func:`grpo_loss` are ``GRPOTrainer``'s advantages and its
  ``grpo``, ``bnpo``, ``dr_grpo`` and ``dapo`` aggregations;
- :func:`per_token_kl`, :func:`gae` and :func:`ppo_clip_loss` are the pieces of PPO, which trl
  no longer ships as a trainer (its last ``PPOTrainer`` used the same formulas).

Every tensor of token values has shape ``(batch, positions)`` with a 0/1 ``mask`` of the same
shape that marks the completion tokens; means over tokens are over the masked ones only.
"""
from __future__ import annotations

import functools
import math
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

# --------------------------------------------------------------------------------------------
# the losses and estimators (the exercise's tasks have the same contracts)
# --------------------------------------------------------------------------------------------


def bradley_terry_loss(chosen: torch.Tensor, rejected: torch.Tensor,
                       margin: torch.Tensor | None = None) -> torch.Tensor:
    """The mean negative log-likelihood of the preferences under the Bradley-Terry model,
    ``-log sigmoid(r_chosen - r_rejected - margin)``, as trl's ``RewardTrainer`` computes it.
    ``chosen`` and ``rejected`` are the reward model's scalar scores, shape ``(n,)``; ``margin``
    (optional, shape ``(n,)``) is how much better the chosen response must score."""
    gap = chosen.float() - rejected.float() - (0.0 if margin is None else margin.float())
    return F.softplus(-gap).mean()  # = -log sigmoid(gap), stable


def token_logprobs(logits: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
    """``out[:, t]`` is the log-probability of ``input_ids[:, t]`` given the tokens before it
    (``logits[:, t - 1]``), in float32; ``out[:, 0]`` is 0 (nothing predicts the first token)."""
    dist = torch.log_softmax(logits[:, :-1].float(), -1)
    return F.pad(dist.gather(-1, input_ids[:, 1:, None]).squeeze(-1), (1, 0))


def sequence_logprobs(logits: torch.Tensor, input_ids: torch.Tensor,
                      completion_mask: torch.Tensor) -> torch.Tensor:
    """The summed log-probability of each row's completion tokens (``completion_mask`` 1), the
    sequence score DPO compares: ``sum_t mask[t] * log p(ids[t] | ids[:t])``, shape ``(batch,)``.
    Token ``t`` is scored by the logits at position ``t - 1``, so position 0 cannot be part of a
    completion (``ValueError``)."""
    if bool(completion_mask[:, 0].any()):
        raise ValueError("position 0 has no logits before it: it cannot be a completion token")
    return (token_logprobs(logits, input_ids) * completion_mask.float()).sum(-1)


def per_token_kl(logprobs: torch.Tensor, ref_logprobs: torch.Tensor,
                 estimator: str = "k1") -> torch.Tensor:
    """A per-token estimate of KL(policy || reference) from the log-probabilities of sampled
    tokens under both (Schulman's estimators): ``k1 = log p - log q`` (unbiased, can be
    negative), ``k2 = (log p - log q)^2 / 2`` and ``k3 = q/p - 1 - log(q/p)`` (unbiased and never
    negative; GRPO's penalty). Same shape as the inputs; differentiable in ``logprobs``."""
    d = logprobs.float() - ref_logprobs.float()
    if estimator == "k1":
        return d
    if estimator == "k2":
        return 0.5 * d ** 2
    if estimator == "k3":
        return torch.exp(-d) - 1 + d
    raise ValueError(f"unknown KL estimator {estimator!r} (k1, k2 or k3)")


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean of ``x`` over the positions where ``mask`` is 1 (all rows together)."""
    mask = mask.float()
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def gae(rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float = 1.0,
        lam: float = 0.95) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized advantage estimation over the completion tokens of each row.

    ``rewards[:, t]`` is the reward given after token ``t`` (the KL penalty per token, plus the
    reward model's score on the last one), ``values[:, t]`` the value head's estimate before it,
    ``mask`` 1 on the tokens of the completion. With ``delta_t = r_t + gamma * V_{t+1} - V_t``
    (``V`` after the last token is 0: the episode ends), ``A_t = delta_t + gamma * lam *
    A_{t+1}``; returns ``(advantages, returns = advantages + values)``, float32, 0 where the mask
    is 0, and without gradient (the value estimates are targets, not parameters here)."""
    m = mask.float()
    r, v = rewards.detach().float() * m, values.detach().float() * m
    adv = torch.zeros_like(r)
    last = torch.zeros_like(r[:, 0])
    for t in range(r.shape[1] - 1, -1, -1):
        nxt_v = v[:, t + 1] * m[:, t + 1] if t + 1 < r.shape[1] else torch.zeros_like(last)
        nxt_m = m[:, t + 1] if t + 1 < r.shape[1] else torch.zeros_like(last)
        delta = r[:, t] + gamma * nxt_v - v[:, t]
        last = (delta + gamma * lam * nxt_m * last) * m[:, t]
        adv[:, t] = last
    return adv, (adv + v) * m


def whiten(x: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """``x`` normalised to unit variance (and zero mean) over the masked positions, as PPO
    implementations do with advantages before the policy loss."""
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean) ** 2, mask)
    out = (x - mean) * torch.rsqrt(var + 1e-8)
    return (out if shift_mean else out + mean) * mask.float()


def ppo_clip_loss(logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor,
                  mask: torch.Tensor, clip_eps: float = 0.2) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO's clipped surrogate: with ``ratio = exp(logprobs - old_logprobs)``, the token loss is
    ``max(-A * ratio, -A * clip(ratio, 1 - eps, 1 + eps))``, averaged over the masked tokens of
    the batch. Returns ``(loss, clip_fraction)``: the fraction of masked tokens where the clipped
    term is the larger one (where clipping stops the gradient). ``old_logprobs`` and
    ``advantages`` are constants; the gradient flows through ``logprobs`` only."""
    ratio = torch.exp(logprobs.float() - old_logprobs.detach().float())
    adv = advantages.detach().float()
    unclipped = -adv * ratio
    clipped = -adv * ratio.clamp(1 - clip_eps, 1 + clip_eps)
    loss = masked_mean(torch.maximum(unclipped, clipped), mask)
    return loss, masked_mean((clipped > unclipped).float(), mask).detach()


def value_loss(values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor,
               mask: torch.Tensor, clip: float = 0.2) -> torch.Tensor:
    """The value head's clipped squared error, ``0.5 * max((V - R)^2, (V_clipped - R)^2)``, with
    ``V_clipped`` kept within ``clip`` of the rollout's values, averaged over masked tokens."""
    v_clip = old_values + torch.clamp(values - old_values, -clip, clip)
    return 0.5 * masked_mean(torch.maximum((values - returns) ** 2, (v_clip - returns) ** 2), mask)


def dpo_loss(policy_chosen: torch.Tensor, policy_rejected: torch.Tensor,
             ref_chosen: torch.Tensor, ref_rejected: torch.Tensor,
             beta: float = 0.1) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """DPO's loss (trl's ``loss_type="sigmoid"``) from summed completion log-probabilities of the
    chosen and rejected responses under the policy and the frozen reference, shape ``(n,)``:
    ``-log sigmoid(beta * ((pc - rc) - (pr - rr)))`` averaged over pairs. Returns ``(loss,
    chosen_rewards, rejected_rewards)``, the implicit rewards ``beta * (policy - reference)``
    detached (they are reported, not trained)."""
    chosen_ratio = policy_chosen.float() - ref_chosen.detach().float()
    rejected_ratio = policy_rejected.float() - ref_rejected.detach().float()
    loss = -F.logsigmoid(beta * (chosen_ratio - rejected_ratio)).mean()
    return loss, (beta * chosen_ratio).detach(), (beta * rejected_ratio).detach()


def group_advantages(rewards: torch.Tensor, group_size: int, scale: str = "group") -> torch.Tensor:
    """GRPO's advantages: each reward minus the mean of its group (``group_size`` consecutive
    completions of one prompt), divided by the group's standard deviation (``scale="group"``,
    Bessel-corrected, plus 1e-4), the whole batch's (``"batch"``) or nothing (``"none"``, as
    Dr. GRPO recommends), as trl's ``GRPOTrainer`` computes them."""
    flat = rewards.detach().float()
    if group_size < 1 or flat.numel() % group_size:
        raise ValueError(f"{flat.numel()} rewards do not split into groups of {group_size}")
    r, groups = flat, flat.reshape(-1, group_size)
    adv = (groups - groups.mean(1, keepdim=True)).reshape(-1)
    if scale == "none":
        return adv
    if scale == "group":
        std = groups.std(1, keepdim=True).expand_as(groups).reshape(-1) if group_size > 1 \
            else torch.zeros_like(r)
    elif scale == "batch":
        std = r.std().expand_as(r) if r.numel() > 1 else torch.zeros_like(r)
    else:
        raise ValueError(f"unknown scale {scale!r} (group, batch or none)")
    return adv / (std + 1e-4)


LOSS_TYPES = ("grpo", "bnpo", "dr_grpo", "dapo")


def grpo_loss(logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor,
              mask: torch.Tensor, loss_type: str = "dapo", eps_low: float = 0.2,
              eps_high: float = 0.2, beta: float = 0.0, ref_logprobs: torch.Tensor | None = None,
              max_completion_length: int | None = None) -> torch.Tensor:
    """GRPO's clipped loss with one advantage per completion (``advantages`` shape ``(batch,)``),
    the ``k3`` KL penalty to the reference when ``beta > 0``, and trl's aggregations:

    - ``grpo``: the mean over each completion's tokens, then over completions (a long
      completion's tokens weigh less);
    - ``bnpo`` and ``dapo``: the mean over all tokens of the batch (here, one batch is the whole
      generation batch, so the two agree);
    - ``dr_grpo``: the sum over tokens divided by ``batch * max_completion_length``, a constant.
    """
    ratio = torch.exp(logprobs.float() - old_logprobs.detach().float())
    adv = advantages.detach().float()[:, None]
    tok = -torch.minimum(ratio * adv, torch.clamp(ratio, 1 - eps_low, 1 + eps_high) * adv)
    if beta:
        tok = tok + beta * per_token_kl(logprobs, ref_logprobs.detach(), "k3")
    m = mask.float()
    summed = tok * m
    if loss_type == "grpo":
        return (summed.sum(-1) / m.sum(-1).clamp(min=1.0)).mean()
    if loss_type in ("bnpo", "dapo"):
        return summed.sum() / m.sum().clamp(min=1.0)
    if loss_type in ("dr_grpo",):
        if max_completion_length is None:
            raise ValueError("dr_grpo divides by batch * max_completion_length: give it")
        return summed.sum() / (tok.shape[0] * max_completion_length)
    raise ValueError(f"loss_type must be one of {LOSS_TYPES}, got {loss_type!r}")


# --------------------------------------------------------------------------------------------
# preferences with a known truth: the course's annotator
# --------------------------------------------------------------------------------------------
# The annotator's taste, which the reward model must discover from comparisons alone: it likes
# real words (the plays' vocabulary) more than the broken ones a small model invents, warm words
# please it, grim words displease it, and it dislikes repetition. Each warm word counts once, so
# "love love love" is not three times as good as "love" to the annotator, whatever a reward
# model trained on ordinary samples (which rarely repeat) comes to believe.
WARM = frozenset("""love loves loved lovely loving sweet sweetest dear dearest fair fairest gentle
joy joyful happy merry kind kindness grace gracious good goodness gold golden bright honour
honest true truth faith smile smiles laugh heaven blessed bless beauty beautiful friend friends
peace noble hope mercy music light rich warm welcome glad delight thanks pretty""".split())
GRIM = frozenset("""death dead die dies blood bloody kill killed murder grave hell hate hateful
foul vile villain curse cursed poison wretch wretched fear grief woe tears weep sorrow traitor
dark black sick plague damned cruel evil ill shame""".split())
_PLAYS = ("hamlet", "romeo_and_juliet", "macbeth", "much_ado_about_nothing")  # prompts, vocabulary
_WORD = re.compile(r"[a-z']+")


@functools.cache
def vocabulary() -> frozenset[str]:
    """The words (lower case) that occur at least 3 times in the four plays of the course
    corpus: what the annotator counts as real words."""
    from .data import load_corpus

    counts = Counter(_WORD.findall(load_corpus(_PLAYS).lower()))
    return frozenset(w for w, c in counts.items() if c >= 3)


def true_reward(text: str) -> float:
    """The annotator's hidden score of a response: distinct warm words minus distinct grim
    ones, plus 4 times the share of real words, minus 4 times the share of repeated words; an
    empty response scores -1."""
    words = _WORD.findall(text.lower())
    if not words:
        return -1.0
    distinct = set(words)
    vocab = vocabulary()
    real = sum(w in vocab for w in words) / len(words)
    repeated = 1.0 - len(distinct) / len(words)
    return float(len(distinct & WARM) - len(distinct & GRIM) + 4.0 * real - 4.0 * repeated)


@dataclass
class Annotator:
    """Ranks responses by :func:`true_reward` with noise: a Plackett-Luce draw with scores
    ``true_reward / temperature`` (Gumbel noise added to each score, then sorted), so two
    responses whose true rewards differ by ``d`` are ordered right with probability
    ``sigmoid(d / temperature)``. Two annotators with different seeds disagree where the truth
    is close."""
    temperature: float = 0.5
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self):
        self._rng = random.Random(self.seed)

    def rank(self, responses: Sequence[str]) -> list[int]:
        """Indices of ``responses``, best first."""
        keys = []
        for i, text in enumerate(responses):
            u = min(max(self._rng.random(), 1e-12), 1 - 1e-12)
            keys.append((true_reward(text) / self.temperature - math.log(-math.log(u)), i))
        return [i for _, i in sorted(keys, reverse=True)]


def ranking_to_pairs(ranking: Sequence[int]) -> list[tuple[int, int]]:
    """Every ``(chosen, rejected)`` pair a ranking (best first) implies: K(K-1)/2 of them."""
    return [(ranking[i], ranking[j]) for i in range(len(ranking))
            for j in range(i + 1, len(ranking))]


def preference_pairs(prompts: Sequence[str], responses: Sequence[Sequence[str]],
                     annotator: Annotator) -> list[dict]:
    """``{"prompt", "chosen", "rejected"}`` rows (trl's preference format) from one ranking of
    each prompt's responses. Pairs the annotator marks as equally good (the same true reward)
    are left out, as a "tie" button leaves them out of real preference data."""
    rows = []
    for prompt, group in zip(prompts, responses):
        for c, r in ranking_to_pairs(annotator.rank(group)):
            if group[c] != group[r] and true_reward(group[c]) != true_reward(group[r]):
                rows.append({"prompt": prompt, "chosen": group[c], "rejected": group[r]})
    return rows


def pair_agreement(a: list[dict], b: list[dict]) -> float:
    """The fraction of the pairs of ``a`` (by prompt and the two responses) that ``b`` orders
    the same way; pairs that ``b`` does not contain are skipped."""
    order = {(r["prompt"], r["chosen"], r["rejected"]): 1 for r in b}
    order.update({(r["prompt"], r["rejected"], r["chosen"]): 0 for r in b})
    same = [order[k] for r in a if (k := (r["prompt"], r["chosen"], r["rejected"])) in order]
    return sum(same) / max(len(same), 1)


def truth_agreement(rows: list[dict]) -> float:
    """The fraction of pairs whose chosen response has the higher :func:`true_reward` (ties
    count half)."""
    score = [1.0 if (d := true_reward(r["chosen"]) - true_reward(r["rejected"])) > 0 else
             0.5 if d == 0 else 0.0 for r in rows]
    return sum(score) / max(len(score), 1)


def shakespeare_prompts(n: int, seed: int = 0, words: int = 6) -> list[str]:
    """``n`` distinct openings of ``words`` words, cut from lines of the course corpus."""
    from .data import load_corpus

    lines = [ln.strip() for ln in load_corpus(_PLAYS).split("\n")]
    lines = [ln for ln in lines if len(ln.split()) >= words + 2 and ln[0].isupper()
             and not ln.isupper() and not ln.startswith(("Enter", "Exit", "Exeunt", "SCENE"))]
    rng = random.Random(seed)
    rng.shuffle(lines)
    out, seen = [], set()
    for ln in lines:
        p = " ".join(ln.split()[:words])
        if p not in seen:
            seen.add(p)
            out.append(p)
        if len(out) == n:
            break
    return out


# --------------------------------------------------------------------------------------------
# sampling and scoring
# --------------------------------------------------------------------------------------------
@torch.no_grad()
def sample_responses(model, tok, prompts: Sequence[str], n: int = 1, max_new_tokens: int = 16,
                     temperature: float = 1.0, seed: int = 0) -> dict:
    """``n`` sampled continuations of each prompt (prompts left-padded into one batch, prompt
    ``i``'s samples at rows ``i * n`` to ``i * n + n - 1``). Returns ``{"ids", "attention_mask",
    "completion_mask", "texts", "prompt_len"}``: the full sequences, their masks (the completion
    stops after the first end-of-text token) and the decoded completions."""
    device = next(model.parameters()).device
    side, tok.padding_side = tok.padding_side, "left"
    try:
        enc = tok(list(prompts), return_tensors="pt", padding=True)
    finally:
        tok.padding_side = side
    ids = enc["input_ids"].repeat_interleave(n, 0).to(device)
    am = enc["attention_mask"].repeat_interleave(n, 0).to(device)
    torch.manual_seed(seed)
    out = model.generate(input_ids=ids, attention_mask=am, max_new_tokens=max_new_tokens,
                         do_sample=True, temperature=temperature, top_k=0, top_p=1.0,
                         pad_token_id=tok.pad_token_id, eos_token_id=None)
    plen = ids.shape[1]
    comp = out[:, plen:]
    eos = tok.eos_token_id
    done = torch.cumsum((comp == eos).long(), 1)
    keep = ((done == 0) | ((done == 1) & (comp == eos))).long()  # up to the first eos, included
    completion_mask = torch.cat([torch.zeros_like(am), keep], 1)
    attention_mask = torch.cat([am, keep], 1)
    texts = [tok.decode(c[k.bool()], skip_special_tokens=True) for c, k in zip(comp, keep)]
    return {"ids": out, "attention_mask": attention_mask, "completion_mask": completion_mask,
            "texts": texts, "prompt_len": plen}


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Position ids that count only real tokens (mask 1), so left padding does not shift them."""
    return (attention_mask.cumsum(-1) - 1).clamp(min=0)


def policy_token_logprobs(model, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """:func:`token_logprobs` of ``model`` on left-padded ``ids`` (position ids from the mask)."""
    pos = position_ids(attention_mask)
    logits = model(input_ids=ids, attention_mask=attention_mask, position_ids=pos).logits
    return token_logprobs(logits, ids)


def last_token_index(attention_mask: torch.Tensor) -> torch.Tensor:
    """The position of each row's last real token (mask 1), for left or right padding."""
    pos = torch.arange(attention_mask.shape[1], device=attention_mask.device)
    return (pos * attention_mask.long()).argmax(-1)


class ScalarHead(torch.nn.Module):
    """A reward model: a transformer body and a linear head that reads one number per token
    (``per_token``); the model's score is the number at the last real token."""

    def __init__(self, body, hidden: int):
        super().__init__()
        self.body = body
        self.head = torch.nn.Linear(hidden, 1)
        torch.nn.init.normal_(self.head.weight, std=1 / math.sqrt(hidden + 1))
        torch.nn.init.zeros_(self.head.bias)

    @classmethod
    def from_course_model(cls, seed: int = 0):
        """The course model's transformer (no language-model head) with a fresh head."""
        from .models import load_model

        lm, _ = load_model("course")
        torch.manual_seed(seed)
        return cls(lm.transformer, lm.config.n_embd)

    def per_token(self, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        pos = position_ids(attention_mask)
        h = self.body(input_ids=ids, attention_mask=attention_mask, position_ids=pos)
        return self.head(h.last_hidden_state).squeeze(-1)

    def forward(self, ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        values = self.per_token(ids, attention_mask)
        return values.gather(1, last_token_index(attention_mask)[:, None]).squeeze(1)


def encode(tok, texts: Sequence[str], max_length: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded ``(ids, attention_mask)`` of ``texts``, truncated to ``max_length``."""
    side, tok.padding_side = tok.padding_side, "right"
    try:
        enc = tok(list(texts), return_tensors="pt", padding=True, truncation=True,
                  max_length=max_length)
    finally:
        tok.padding_side = side
    return enc["input_ids"], enc["attention_mask"]


def score_texts(rm: ScalarHead, tok, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
    """The reward model's score of every text."""
    rm.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            ids, am = encode(tok, texts[i:i + batch_size])
            out.append(rm(ids, am))
    return torch.cat(out) if out else torch.zeros(0)


def train_reward_model(rm: ScalarHead, tok, rows: list[dict], *, steps: int = 100,
                       batch_size: int = 32, lr: float = 3e-4, seed: int = 0) -> dict:
    """Bradley-Terry training of ``rm`` on ``{"prompt", "chosen", "rejected"}`` rows (the
    model reads ``prompt + response``: a sampled response carries its own leading space). Returns ``{"loss", "accuracy", "seconds"}`` per step."""
    opt = torch.optim.AdamW(rm.parameters(), lr=lr, weight_decay=0.0, foreach=True)
    g = torch.Generator().manual_seed(seed)
    hist = {"loss": [], "accuracy": []}
    t0 = time.perf_counter()
    rm.train()
    for _ in range(steps):
        pick = torch.randint(len(rows), (batch_size,), generator=g).tolist()
        texts = [rows[i]["prompt"] + rows[i][k] for k in ("chosen", "rejected") for i in pick]
        ids, am = encode(tok, texts)
        scores = rm(ids, am)
        chosen, rejected = scores[:batch_size], scores[batch_size:]
        loss = bradley_terry_loss(chosen, rejected)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(rm.parameters(), 1.0)
        opt.step()
        hist["loss"].append(loss.item())
        hist["accuracy"].append(float((chosen > rejected).float().mean()))
    rm.eval()
    hist["seconds"] = time.perf_counter() - t0
    return hist


def pair_accuracy(rm: ScalarHead, tok, rows: list[dict]) -> float:
    """The fraction of rows whose chosen response the reward model scores higher."""
    c = score_texts(rm, tok, [r["prompt"] + r["chosen"] for r in rows])
    r = score_texts(rm, tok, [r["prompt"] + r["rejected"] for r in rows])
    return float((c > r).float().mean())


# --------------------------------------------------------------------------------------------
# PPO
# --------------------------------------------------------------------------------------------
def logprobs_and_values(policy, head: torch.nn.Module, ids: torch.Tensor,
                        attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One forward of ``policy`` on left-padded ``ids``: the :func:`token_logprobs` and the value
    head's ``V[:, t]``, its estimate before token ``t`` (``head`` reads the last hidden state at
    position ``t - 1``; 0 at position 0)."""
    pos = position_ids(attention_mask)
    out = policy(input_ids=ids, attention_mask=attention_mask, position_ids=pos,
                 output_hidden_states=True)
    values = head(out.hidden_states[-1]).squeeze(-1)
    return token_logprobs(out.logits, ids), F.pad(values[:, :-1], (1, 0))


def ppo_train(policy, ref, rm: ScalarHead, tok, prompts: Sequence[str], *,
              iterations: int = 30, batch_size: int = 16, max_new_tokens: int = 16,
              kl_coef: float = 0.05, lr: float = 3e-4, epochs: int = 2,
              minibatch: int | None = None, clip_eps: float = 0.2, vf_coef: float = 0.1,
              gamma: float = 1.0, lam: float = 0.95, seed: int = 0,
              reward_fn: Callable[[str], float] = true_reward) -> dict:
    """RLHF with PPO from scratch: each iteration samples ``batch_size`` completions, scores them
    with the reward model ``rm``, gives every token the reward ``-kl_coef * k1`` and the last
    one the score too (seed 003's combined reward ``r - beta * KL``), estimates advantages with
    GAE on a value head, then takes ``epochs`` passes of clipped PPO updates in minibatches of
    ``minibatch`` rollouts (all of them when None). The value head is a linear layer on the
    policy's last hidden state, trained with the policy (loss ``pg + vf_coef * value_loss``).
    ``reward_fn`` (the annotator's truth) is only measured, never trained on.

    Returns per iteration: ``rm_score``, ``true_reward``, ``kl`` (summed k1 per completion),
    ``kl_k3``, ``clip_fraction``, ``value_loss``, ``length``, ``seconds`` (cumulative), and
    ``samples`` (the last iteration's first texts)."""
    device = next(policy.parameters()).device
    head = torch.nn.Linear(policy.config.n_embd, 1).to(device)
    torch.nn.init.zeros_(head.weight)
    torch.nn.init.zeros_(head.bias)
    params = list(policy.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0, foreach=True)
    minibatch = minibatch or batch_size
    rng = random.Random(seed)
    hist = {k: [] for k in ("rm_score", "true_reward", "kl", "kl_k3", "clip_fraction",
                            "value_loss", "length", "seconds")}
    t0 = time.perf_counter()
    ref.eval()
    rm.eval()
    for it in range(iterations):
        batch = [rng.choice(prompts) for _ in range(batch_size)]
        policy.eval()
        roll = sample_responses(policy, tok, batch, 1, max_new_tokens, seed=seed * 1000 + it)
        ids, am, cm = roll["ids"], roll["attention_mask"], roll["completion_mask"].float()
        with torch.no_grad():
            old, values = logprobs_and_values(policy, head, ids, am)
            values = values * cm
            ref_lp = policy_token_logprobs(ref, ids, am)
            scores = score_texts(rm, tok, [p + t for p, t in zip(batch, roll["texts"])])
        k1 = per_token_kl(old, ref_lp, "k1") * cm
        rewards = -kl_coef * k1
        rewards[torch.arange(len(batch)), last_token_index(cm)] += scores.to(rewards.device)
        adv, ret = gae(rewards, values, cm, gamma, lam)
        adv = whiten(adv, cm)
        fracs, vls = [], []
        policy.train()
        for _ in range(epochs):
            order = torch.randperm(len(batch), generator=torch.Generator().manual_seed(it))
            for s in range(0, len(batch), minibatch):
                mb = order[s:s + minibatch].to(device)
                new, vpred = logprobs_and_values(policy, head, ids[mb], am[mb])
                pg, frac = ppo_clip_loss(new, old[mb], adv[mb], cm[mb], clip_eps)
                vl = value_loss(vpred, values[mb], ret[mb], cm[mb])
                opt.zero_grad(set_to_none=True)
                (pg + vf_coef * vl).backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                fracs.append(float(frac))
                vls.append(vl.item())
        policy.eval()
        hist["rm_score"].append(float(scores.mean()))
        hist["true_reward"].append(sum(map(reward_fn, roll["texts"])) / len(batch))
        hist["kl"].append(float(k1.sum(-1).mean()))
        hist["kl_k3"].append(float((per_token_kl(old, ref_lp, "k3") * cm).sum(-1).mean()))
        hist["clip_fraction"].append(sum(fracs) / len(fracs))
        hist["value_loss"].append(sum(vls) / len(vls))
        hist["length"].append(float(cm.sum(-1).mean()))
        hist["seconds"].append(time.perf_counter() - t0)
    hist["samples"] = roll["texts"][:6]
    return hist


# --------------------------------------------------------------------------------------------
# DPO
# --------------------------------------------------------------------------------------------
def encode_pairs(tok, rows: list[dict], max_length: int = 64) -> dict:
    """Right-padded ``prompt + chosen`` then ``prompt + rejected`` rows (chosen first, as trl
    concatenates them) with their completion masks (the tokens after the prompt's)."""
    texts = [r["prompt"] + r[k] for k in ("chosen", "rejected") for r in rows]
    prompt_len = [len(tok(r["prompt"])["input_ids"]) for r in rows] * 2
    ids, am = encode(tok, texts, max_length)
    pos = torch.arange(ids.shape[1])[None]
    cm = ((pos >= torch.tensor(prompt_len)[:, None]) & am.bool()).long()
    return {"input_ids": ids, "attention_mask": am, "completion_mask": cm}


def dpo_logps(model, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed completion log-probabilities of the chosen and the rejected halves of a batch."""
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    lp = sequence_logprobs(out.logits, batch["input_ids"], batch["completion_mask"])
    n = lp.shape[0] // 2
    return lp[:n], lp[n:]


def dpo_train(policy, ref, tok, rows: list[dict], *, steps: int = 60, batch_size: int = 16,
              beta: float = 0.1, lr: float = 5e-5, seed: int = 0) -> dict:
    """DPO from scratch on preference rows. Returns per step ``loss``, ``chosen_reward``,
    ``rejected_reward`` (mean implicit rewards), ``accuracy`` (chosen reward higher) and
    ``seconds`` (cumulative)."""
    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0, foreach=True)
    g = torch.Generator().manual_seed(seed)
    hist = {k: [] for k in ("loss", "chosen_reward", "rejected_reward", "accuracy", "seconds")}
    t0 = time.perf_counter()
    ref.eval()
    policy.train()
    for _ in range(steps):
        pick = torch.randint(len(rows), (batch_size,), generator=g).tolist()
        batch = encode_pairs(tok, [rows[i] for i in pick])
        pc, pr = dpo_logps(policy, batch)
        with torch.no_grad():
            rc, rr = dpo_logps(ref, batch)
        loss, cr, rj = dpo_loss(pc, pr, rc, rr, beta)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        hist["loss"].append(loss.item())
        hist["chosen_reward"].append(float(cr.mean()))
        hist["rejected_reward"].append(float(rj.mean()))
        hist["accuracy"].append(float((cr > rj).float().mean()))
        hist["seconds"].append(time.perf_counter() - t0)
    policy.eval()
    return hist


@torch.no_grad()
def kl_to_reference(policy, ref, tok, prompts: Sequence[str], max_new_tokens: int = 16,
                    seed: int = 123) -> tuple[float, list[str]]:
    """The mean summed k1 KL of fresh samples of ``policy`` from ``ref`` (an estimate of the
    sequence-level KL(policy || reference)), and the samples."""
    roll = sample_responses(policy, tok, prompts, 1, max_new_tokens, seed=seed)
    cm = roll["completion_mask"].float()
    lp = policy_token_logprobs(policy, roll["ids"], roll["attention_mask"])
    rl = policy_token_logprobs(ref, roll["ids"], roll["attention_mask"])
    return float((per_token_kl(lp, rl, "k1") * cm).sum(-1).mean()), roll["texts"]


# --------------------------------------------------------------------------------------------
# GRPO with a verifiable reward
# --------------------------------------------------------------------------------------------
def grpo_train(policy, tok, examples: list[dict], reward_fn: Callable[[dict, str], float], *,
               steps: int = 20, prompts_per_step: int = 8, group_size: int = 8,
               max_new_tokens: int = 24, loss_type: str = "dapo", scale: str = "group",
               eps_low: float = 0.2, eps_high: float = 0.28, epochs: int = 2, lr: float = 2e-5,
               temperature: float = 1.0, seed: int = 0) -> dict:
    """GRPO from scratch: each step samples ``group_size`` chat responses to each of
    ``prompts_per_step`` instructions, rewards them with ``reward_fn(example, response)``,
    computes :func:`group_advantages`, and takes ``epochs`` clipped steps on :func:`grpo_loss`
    (no reference model: ``beta = 0``). Returns per step ``reward`` (mean), ``solved``
    (fraction of groups with some reward), ``length`` (mean completion tokens), ``loss`` and
    ``seconds`` (cumulative)."""
    from .finetune import prompt_text

    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0, foreach=True)
    rng = random.Random(seed)
    hist = {k: [] for k in ("reward", "solved", "length", "loss", "seconds")}
    t0 = time.perf_counter()
    for step in range(steps):
        exs = [rng.choice(examples) for _ in range(prompts_per_step)]
        policy.eval()
        roll = sample_responses(policy, tok, [prompt_text(tok, e["instruction"]) for e in exs],
                                group_size, max_new_tokens, temperature, seed * 1000 + step)
        rewards = torch.tensor([reward_fn(exs[i // group_size], t)
                                for i, t in enumerate(roll["texts"])])
        adv = group_advantages(rewards, group_size, scale)
        ids, am, cm = roll["ids"], roll["attention_mask"], roll["completion_mask"].float()
        with torch.no_grad():
            old = policy_token_logprobs(policy, ids, am)
        policy.train()
        for _ in range(epochs):
            new = policy_token_logprobs(policy, ids, am)
            loss = grpo_loss(new, old, adv, cm, loss_type, eps_low, eps_high,
                             max_completion_length=max_new_tokens)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            opt.step()
        policy.eval()
        hist["reward"].append(float(rewards.mean()))
        hist["solved"].append(float((rewards.view(-1, group_size).max(1).values > 0)
                                    .float().mean()))
        hist["length"].append(float(cm.sum(-1).mean()))
        hist["loss"].append(loss.item())
        hist["seconds"].append(time.perf_counter() - t0)
    return hist
