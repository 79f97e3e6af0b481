"""Decoding: how a language model's next-token scores become text (chapter 4).

- Logit filters, each ``(B, V) -> (B, V)``, with ``-inf`` for the tokens they rule out. They
  match ``transformers``' logits processors, ties and ``min_tokens_to_keep`` included:
  :func:`apply_temperature`, :func:`top_k_filter`, :func:`top_p_filter`,
  :func:`apply_repetition_penalty`, :func:`ban_repeated_ngrams`.
- The decoding loop: :func:`generate` (one token per step), with :func:`greedy` and
  :func:`sample` as its two modes, and :func:`beam_search`. They work with any ``transformers``
  causal LM and give the same tokens as its ``generate``.
- Measuring the result: :func:`sequence_logprob`, :func:`distinct_n`.
- :func:`plot_distribution`: probability bars over a few candidate tokens.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["apply_temperature", "top_k_filter", "top_p_filter", "apply_repetition_penalty",
           "ban_repeated_ngrams", "adjust_logits", "next_token_logits", "generate", "greedy",
           "sample", "beam_search", "sequence_logprob", "distinct_n", "plot_distribution"]

NEG_INF = float("-inf")


# --------------------------------------------------------------------------------------------
# logit filters: (B, V) -> (B, V)
# --------------------------------------------------------------------------------------------
def apply_temperature(logits: torch.Tensor, t: float) -> torch.Tensor:
    """Divide the logits by ``t > 0``: ``t < 1`` sharpens the distribution, ``t > 1`` flattens
    it, and ``t -> 0`` approaches greedy decoding."""
    if t <= 0:
        raise ValueError(f"temperature must be > 0, not {t}: use greedy decoding for t -> 0")
    return logits / t


def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Keep the ``k`` highest logits (and any token tied with the k-th), set the rest to -inf."""
    k = min(max(k, min_tokens_to_keep), logits.size(-1))
    kth = torch.topk(logits, k).values[..., -1:]            # the k-th highest logit per row
    return logits.masked_fill(logits < kth, NEG_INF)


def top_p_filter(logits: torch.Tensor, p: float, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Nucleus filter: keep the smallest set of most likely tokens whose probabilities add up
    to at least ``p``, set the rest to -inf.

    Sorted from least to most likely, a token is dropped when it and everything less likely
    than it hold at most ``1 - p`` of the probability; the ``min_tokens_to_keep`` most likely
    tokens always stay."""
    sorted_logits, order = torch.sort(logits, descending=False)
    tail_mass = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    drop = tail_mass <= 1 - p
    drop[..., -min_tokens_to_keep:] = False
    drop = drop.scatter(-1, order, drop)                    # back to vocabulary order
    return logits.masked_fill(drop, NEG_INF)


def apply_repetition_penalty(logits: torch.Tensor, ids: torch.Tensor,
                             penalty: float) -> torch.Tensor:
    """Make every token that already occurs in ``ids`` (B, T) less likely (Keskar et al., 2019):
    its logit is divided by ``penalty`` if positive and multiplied by it if negative."""
    seen = torch.gather(logits, 1, ids)
    seen = torch.where(seen < 0, seen * penalty, seen / penalty)
    return logits.scatter(1, ids, seen)


def ban_repeated_ngrams(logits: torch.Tensor, ids: torch.Tensor, n: int) -> torch.Tensor:
    """Set to -inf every token that would complete an n-gram already present in ``ids``."""
    logits = logits.clone()
    for b, row in enumerate(ids.tolist()):
        prefix = row[len(row) - n + 1:] if n > 1 else []    # the last n - 1 tokens
        for i in range(len(row) - n + 1):
            if row[i:i + n - 1] == prefix:
                logits[b, row[i + n - 1]] = NEG_INF
    return logits


def adjust_logits(logits: torch.Tensor, ids: torch.Tensor, temperature: float = 1.0,
                  top_k: int | None = None, top_p: float | None = None,
                  repetition_penalty: float = 1.0, no_repeat_ngram_size: int = 0,
                  min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Apply the filters in ``transformers``' order: penalties on the raw scores first, then
    temperature, top-k and top-p."""
    if repetition_penalty != 1.0:
        logits = apply_repetition_penalty(logits, ids, repetition_penalty)
    if no_repeat_ngram_size > 0:
        logits = ban_repeated_ngrams(logits, ids, no_repeat_ngram_size)
    if temperature != 1.0:
        logits = apply_temperature(logits, temperature)
    if top_k:
        logits = top_k_filter(logits, top_k, min_tokens_to_keep)
    if top_p is not None and top_p < 1.0:
        logits = top_p_filter(logits, top_p, min_tokens_to_keep)
    return logits


# --------------------------------------------------------------------------------------------
# the decoding loop
# --------------------------------------------------------------------------------------------
def next_token_logits(model, ids: torch.Tensor, cache=None):
    """The scores (B, V) of the token that follows ``ids`` (B, T), and the updated cache.

    ``cache`` holds the keys and values of the positions the model has already read (the KV
    cache), so only the new positions go through the network; ``None`` starts a new cache."""
    seen = 0 if cache is None else cache.get_seq_length()
    out = model(input_ids=ids[:, seen:], attention_mask=torch.ones_like(ids),
                past_key_values=cache, use_cache=True)
    return out.logits[:, -1].float(), out.past_key_values


@torch.no_grad()
def generate(model, input_ids: torch.Tensor, max_new_tokens: int, do_sample: bool = False,
             eos_token_id: int | None = None, pad_token_id: int | None = None,
             generator: torch.Generator | None = None, **adjust) -> torch.Tensor:
    """Extend ``input_ids`` (B, T) by up to ``max_new_tokens`` tokens, one per step.

    Each step scores the next token, adjusts the scores (``adjust``: the keyword arguments of
    :func:`adjust_logits`), then takes the argmax (greedy) or samples from their softmax
    (``do_sample``). A row that has produced ``eos_token_id`` is padded with ``pad_token_id``;
    the loop stops when every row has. Uses torch's global random generator unless
    ``generator`` is given, so that a seed reproduces ``model.generate(do_sample=True)``."""
    ids, cache = input_ids, None
    done = torch.zeros(len(ids), dtype=torch.bool, device=ids.device)
    pad = eos_token_id if pad_token_id is None else pad_token_id
    for _ in range(max_new_tokens):
        logits, cache = next_token_logits(model, ids, cache)
        logits = adjust_logits(logits, ids, **adjust)
        if do_sample:
            nxt = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)[:, 0]
        else:
            nxt = logits.argmax(dim=-1)
        if eos_token_id is not None:
            nxt = torch.where(done, torch.full_like(nxt, pad), nxt)
            done |= nxt == eos_token_id
        ids = torch.cat([ids, nxt[:, None]], dim=1)
        if done.all():
            break
    return ids


def greedy(model, input_ids: torch.Tensor, max_new_tokens: int, **kw) -> torch.Tensor:
    """Greedy search: always take the most likely next token (see :func:`generate`)."""
    return generate(model, input_ids, max_new_tokens, do_sample=False, **kw)


def sample(model, input_ids: torch.Tensor, max_new_tokens: int, **kw) -> torch.Tensor:
    """Sampling: draw each next token from the (adjusted) distribution (see :func:`generate`);
    ``temperature``, ``top_k``, ``top_p`` shape the distribution first."""
    return generate(model, input_ids, max_new_tokens, do_sample=True, **kw)


@torch.no_grad()
def beam_search(model, input_ids: torch.Tensor, max_new_tokens: int, num_beams: int = 4,
                eos_token_id: int | None = None, length_penalty: float = 1.0,
                trace: list | None = None, **adjust) -> torch.Tensor:
    """Beam search over one prompt (1, T): keep the ``num_beams`` most likely partial sequences.

    Each step extends every beam by every token, scores the candidates by their summed
    log-probability and keeps the best ``2 * num_beams`` of them (enough to go on with
    ``num_beams`` even if some end). A candidate that ends (``eos_token_id`` or the length
    limit) and ranks among the first ``num_beams`` joins the finished hypotheses with the score
    ``sum log p / length ** length_penalty``; the best ``num_beams`` non-ending ones go on. The
    search stops when no running beam can beat the worst of ``num_beams`` finished ones.
    ``adjust`` (:func:`adjust_logits`) is applied to the log-probabilities, as ``transformers``
    does. If ``trace`` is a list, each step appends the list of its ``2 * num_beams``
    candidates to it: dicts with ``step``, ``parent`` (the index of the beam it extends),
    ``token``, ``score`` (total log-probability) and ``status`` (``"kept"``, ``"finished"`` or
    ``"dropped"``). Returns the best finished sequence, prompt included, as (1, T')."""
    assert input_ids.size(0) == 1, "beam_search decodes one prompt at a time"
    beams, scores, cache = input_ids, torch.zeros(1, device=input_ids.device), None
    finished = []                                           # (score, ids) of ended hypotheses
    for step in range(1, max_new_tokens + 1):
        logits, cache = next_token_logits(model, beams, cache)
        logprobs = adjust_logits(F.log_softmax(logits, dim=-1), beams, **adjust)
        total = (scores[:, None] + logprobs).flatten()      # (beams * V,) summed log-probs
        top, index = total.topk(2 * num_beams)
        parents, tokens = index // logprobs.size(-1), index % logprobs.size(-1)
        keep, rows = [], []
        for rank, (s, b, t) in enumerate(zip(top.tolist(), parents.tolist(), tokens.tolist())):
            ends = t == eos_token_id or step == max_new_tokens
            if ends and rank < num_beams:
                hypothesis = torch.cat([beams[b], index.new_tensor([t])])
                finished.append((s / step ** length_penalty, hypothesis))
                status = "finished"
            elif not ends and len(keep) < num_beams:
                keep.append(rank)
                status = "kept"
            else:
                status = "dropped"
            rows.append(dict(step=step, parent=b, token=t, score=s, status=status))
        if trace is not None:
            trace.append(rows)
        finished = sorted(finished, key=lambda f: -f[0])[:num_beams]
        if not keep:
            break
        keep = torch.tensor(keep, device=index.device)
        beams = torch.cat([beams[parents[keep]], tokens[keep, None]], dim=1)
        scores = top[keep]
        cache.reorder_cache(parents[keep])
        # stop once the best running beam, at its current length, cannot beat the worst finished
        if len(finished) == num_beams and scores[0] / step ** length_penalty <= finished[-1][0]:
            break
    return finished[0][1][None]


# --------------------------------------------------------------------------------------------
# measuring what came out
# --------------------------------------------------------------------------------------------
@torch.no_grad()
def sequence_logprob(model, ids: torch.Tensor, start: int) -> torch.Tensor:
    """Log-probability (B,) the model gives to the tokens ``ids[:, start:]``, given what comes
    before them: the quantity greedy and beam search try to maximise."""
    logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[:, start - 1:-1]
    logits = logits.float()
    return F.log_softmax(logits, dim=-1).gather(2, ids[:, start:, None])[..., 0].sum(dim=1)


def distinct_n(tokens, n: int = 2) -> float:
    """Distinct-n (Li et al., 2016): the fraction of the n-grams of ``tokens`` that are
    different. 1.0 means no n-gram occurs twice; a text stuck in a loop scores near 0."""
    grams = list(zip(*(tokens[i:] for i in range(n))))
    return len(set(grams)) / max(len(grams), 1)


# --------------------------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------------------------
def plot_distribution(labels, probs, title: str = "", ax=None, color: str = "C0"):
    """Probability bars over a few candidate tokens, each bar labelled with its value; a token
    with probability 0 (filtered out) is drawn as an empty dashed bar. Returns the axes."""
    import matplotlib.pyplot as plt

    from .plot import style

    style()
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    probs = [float(p) for p in probs]
    for i, p in enumerate(probs):
        if p > 0:
            ax.bar(i, p, color=color)
        else:
            ax.bar(i, 0.02, fill=False, ls="--", edgecolor="gray")
        ax.text(i, p + 0.02, f"{p:.2f}" if p > 0 else "out", ha="center", fontsize=8)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, 1.05)
    ax.set(title=title, xlabel="next word", ylabel="probability")
    return ax
