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

import math
import random
import re
import time
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
    diff = chosen.float() - rejected.float()
    if margin is not None:
        diff = diff - margin.float()
    return -F.logsigmoid(diff).mean()


def token_logprobs(logits: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
    """``out[:, t]`` is the log-probability of ``input_ids[:, t]`` given the tokens before it
    (``logits[:, t - 1]``), in float32; ``out[:, 0]`` is 0 (nothing predicts the first token)."""
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    picked = logp.gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    return F.pad(picked, (1, 0))


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
    raise ValueError(f"estimator must be 'k1', 'k2' or 'k3', got {estimator!r}")


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
    clipped = -adv * torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
    loss = masked_mean(torch.maximum(unclipped, clipped), mask)
    frac = masked_mean((clipped > unclipped).float(), mask)
    return loss, frac.detach()


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
    r = rewards.detach().float()
    if group_size < 1 or r.numel() % group_size:
        raise ValueError(f"{r.numel()} rewards do not split into groups of {group_size}")
    groups = r.view(-1, group_size)
    adv = (groups - groups.mean(1, keepdim=True)).reshape(-1)
    if scale == "none":
        return adv
    if scale == "group":
        std = groups.std(1, keepdim=True).expand_as(groups).reshape(-1) if group_size > 1 \
            else torch.zeros_like(r)
    elif scale == "batch":
        std = r.std().expand_as(r) if r.numel() > 1 else torch.zeros_like(r)
    else:
        raise ValueError(f"scale must be 'group', 'batch' or 'none', got {scale!r}")
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
    if loss_type == "grpo":
        return ((tok * m).sum(-1) / m.sum(-1).clamp(min=1.0)).mean()
    if loss_type in ("bnpo", "dapo"):
        return (tok * m).sum() / m.sum().clamp(min=1.0)
    if loss_type == "dr_grpo":
        if max_completion_length is None:
            raise ValueError("dr_grpo divides by batch * max_completion_length: give it")
        return (tok * m).sum() / (tok.shape[0] * max_completion_length)
    raise ValueError(f"loss_type must be one of {LOSS_TYPES}, got {loss_type!r}")
