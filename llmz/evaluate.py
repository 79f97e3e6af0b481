"""Evaluating language models (chapter 6), each metric written out and checked against the
reference library in ``tests/test_finetune_lib.py``.

- Language modelling: :func:`lm_nll` (mean negative log-likelihood per token) and
  :func:`perplexity` = exp(mean NLL).
- Classification: :func:`confusion_matrix`, :func:`classification_metrics` (accuracy,
  precision, recall, F1; as scikit-learn).
- Text overlap: :func:`bleu` (as sacrebleu, 13a tokenization, exp smoothing) and
  :func:`rouge_l` (as rouge-score, no stemming).
- LLM-as-a-judge: :func:`judge_prob_a` (a judge model's probability that answer A is the better
  one, read off its next-token logits for "A" and "B") and :func:`judge_both_orders`, which asks
  twice with the answers swapped to expose position bias; :func:`answer_logprob`, which scores
  one answer at a time by its log-probability under the judge model (per token or summed).
- Uncertainty: :func:`bootstrap_ci` (a mean and its percentile bootstrap interval over test
  items) and :func:`paired_bootstrap_diff` (the same for the difference of two methods scored
  on the same items).
"""
from __future__ import annotations

import math
import re
from collections import Counter

import torch
import torch.nn.functional as F

__all__ = ["lm_nll", "perplexity", "confusion_matrix", "classification_metrics",
           "bleu_tokenize", "bleu", "rouge_tokenize", "rouge_l", "JUDGE_TEMPLATE",
           "judge_prob_a", "judge_both_orders", "answer_logprob", "bootstrap_ci",
           "paired_bootstrap_diff"]


# --------------------------------------------------------------------------------------------
# loss and perplexity
# --------------------------------------------------------------------------------------------
@torch.no_grad()
def lm_nll(model, ids: torch.Tensor, block: int = 128, max_windows: int | None = None,
           batch_size: int = 16) -> float:
    """Mean negative log-likelihood (nats per predicted token) of a ``transformers`` causal LM
    on the token stream ``ids``, cut into non-overlapping windows of ``block + 1`` tokens
    (``max_windows`` of them, spread evenly over the stream, if given)."""
    model.eval()
    device = next(model.parameters()).device
    n = (len(ids) - 1) // block
    starts = [i * block for i in range(n)]
    if max_windows is not None and max_windows < n:
        starts = [starts[round(j * (n - 1) / max(1, max_windows - 1))] for j in range(max_windows)]
    total, count = 0.0, 0
    for i in range(0, len(starts), batch_size):
        w = torch.stack([ids[s:s + block + 1] for s in starts[i:i + batch_size]]).to(device)
        logits = model(input_ids=w[:, :-1]).logits
        total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), w[:, 1:].reshape(-1),
                                 reduction="sum").item()
        count += w[:, 1:].numel()
    return total / count


def perplexity(mean_nll: float) -> float:
    """``exp(mean NLL)``: the number of equally likely tokens the model is, on average, choosing
    between. The mean must be over *tokens* (not a mean of per-batch means of unequal size)."""
    return math.exp(mean_nll)


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------
def confusion_matrix(y_true, y_pred, n_classes: int = 2) -> list[list[int]]:
    """``m[t][p]``: how many examples of true class ``t`` were predicted as ``p``."""
    m = [[0] * n_classes for _ in range(n_classes)]
    for t, p in zip(y_true, y_pred):
        m[int(t)][int(p)] += 1
    return m


def classification_metrics(y_true, y_pred, positive: int = 1) -> dict[str, float]:
    """Accuracy, and precision, recall and F1 of the ``positive`` class:
    precision = TP / (TP + FP) (of what we flagged, how much is right), recall = TP / (TP + FN)
    (of what is there, how much we found), F1 = their harmonic mean. 0 where undefined."""
    pairs = list(zip(y_true, y_pred))
    tp = sum(t == positive and p == positive for t, p in pairs)
    fp = sum(t != positive and p == positive for t, p in pairs)
    fn = sum(t == positive and p != positive for t, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": sum(t == p for t, p in pairs) / len(pairs), "precision": precision,
            "recall": recall, "f1": f1}


# --------------------------------------------------------------------------------------------
# BLEU and ROUGE-L
# --------------------------------------------------------------------------------------------
_BLEU_RULES = [(re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),  # symbols apart
               (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),               # . and , apart ...
               (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),               # ... except in numbers
               (re.compile(r"([0-9])(-)"), r"\1 \2 ")]


def bleu_tokenize(text: str) -> list[str]:
    """The "13a" tokenization of WMT's mteval script (sacrebleu's default): punctuation
    becomes separate tokens, except decimal points and commas inside numbers."""
    line = f" {text.rstrip().replace(chr(10), ' ')} "
    for rule, repl in _BLEU_RULES:
        line = rule.sub(repl, line)
    return line.split()


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu(hypotheses: list[str], references: list[str], max_n: int = 4,
         effective_order: bool = False) -> float:
    """Corpus BLEU (0-100) with one reference per hypothesis.

    For n = 1..4, the *clipped* n-gram precision p_n: hypothesis n-grams that also occur in the
    reference, each counted at most as often as in the reference, summed over the corpus. BLEU
    is the geometric mean of the p_n times a brevity penalty ``exp(1 - ref_len / hyp_len)`` for
    hypotheses shorter than the references. A p_n with no match is smoothed to
    ``1 / (2^k * total_n)`` for the k-th such order (sacrebleu's "exp" smoothing).
    ``effective_order=True`` (sacrebleu's sentence-level default) drops orders that have no
    n-grams at all, so a 3-word sentence can still score."""
    correct, total = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references):
        h, r = bleu_tokenize(hyp), bleu_tokenize(ref)
        hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)
        for n in range(1, max_n + 1):
            hn, rn = _ngrams(h, n), _ngrams(r, n)
            correct[n - 1] += sum(min(c, rn[g]) for g, c in hn.items())
            total[n - 1] += max(0, len(h) - n + 1)
    if not any(correct):
        return 0.0
    bp = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len)
    logs, smooth, order = [], 1.0, max_n
    for n in range(max_n):
        if total[n] == 0:
            break
        if effective_order:
            order = n + 1
        if correct[n] == 0:
            smooth *= 2
            p = 1.0 / (smooth * total[n])
        else:
            p = correct[n] / total[n]
        logs.append(math.log(p))
    logs += [-9999999999.0] * (order - len(logs))  # a missing order makes BLEU 0 (as sacrebleu)
    return 100 * bp * math.exp(sum(logs[:order]) / order)


def rouge_tokenize(text: str) -> list[str]:
    """rouge-score's tokenization: lower-case, anything but a-z and 0-9 separates tokens."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def rouge_l(hypothesis: str, reference: str) -> dict[str, float]:
    """ROUGE-L: precision, recall and F1 of the longest common subsequence (LCS) of the two
    token lists: words in the same order, gaps allowed."""
    h, r = rouge_tokenize(hypothesis), rouge_tokenize(reference)
    if not h or not r:
        return {"p": 0.0, "r": 0.0, "f": 0.0}
    lcs = [[0] * (len(r) + 1) for _ in range(len(h) + 1)]
    for i, a in enumerate(h):
        for j, b in enumerate(r):
            lcs[i + 1][j + 1] = lcs[i][j] + 1 if a == b else max(lcs[i][j + 1], lcs[i + 1][j])
    n = lcs[-1][-1]
    p, rec = n / len(h), n / len(r)
    return {"p": p, "r": rec, "f": 2 * p * rec / (p + rec) if n else 0.0}


# --------------------------------------------------------------------------------------------
# LLM-as-a-judge
# --------------------------------------------------------------------------------------------
JUDGE_TEMPLATE = ("Which answer to the question is better?\n\nQuestion: {question}\n\n"
                  "Answer A: {a}\n\nAnswer B: {b}\n\nReply with one letter, A or B.")


@torch.no_grad()
def judge_prob_a(model, tok, question: str, answer_a: str, answer_b: str) -> float:
    """The judge's probability that answer A is better: the softmax over its next-token
    logits for "A" and "B" right after the chat prompt (no sampling, no parsing)."""
    msgs = [{"role": "user", "content": JUDGE_TEMPLATE.format(question=question, a=answer_a,
                                                              b=answer_b)}]
    ids = tok.apply_chat_template(msgs, add_generation_prompt=True, return_tensors="pt",
                                  return_dict=True)["input_ids"]
    logits = model(input_ids=ids.to(next(model.parameters()).device)).logits[0, -1]
    a, b = (tok.encode(x, add_special_tokens=False)[0] for x in ("A", "B"))
    return torch.softmax(logits[[a, b]].float(), -1)[0].item()


def judge_both_orders(model, tok, question: str, x: str, y: str) -> dict[str, float]:
    """Ask the judge twice, with ``x`` first and then second. Returns ``p_x_first`` (P(x wins)
    when shown as A), ``p_x_second`` (when shown as B), their mean ``p_x`` (position-debiased)
    and ``consistent`` (1.0 if both orders pick the same answer)."""
    first = judge_prob_a(model, tok, question, x, y)
    second = 1 - judge_prob_a(model, tok, question, y, x)
    return {"p_x_first": first, "p_x_second": second, "p_x": (first + second) / 2,
            "consistent": float((first > 0.5) == (second > 0.5))}


@torch.no_grad()
def answer_logprob(model, tok, question: str, answer: str, reduce: str = "mean") -> float:
    """Log-probability of ``answer`` as the model's reply to ``question``, per token
    (``reduce="mean"``) or in total (``"sum"``). A judge with no prompt to misread, but it
    scores how *likely* the answer is, not how good: the mean rewards long predictable filler,
    the sum punishes every extra token, and the model's own greedy output is its likeliest
    reply by construction."""
    if reduce not in ("mean", "sum"):
        raise ValueError(f"reduce must be 'mean' or 'sum', got {reduce!r}")
    prompt = tok.apply_chat_template([{"role": "user", "content": question}], tokenize=False,
                                     add_generation_prompt=True)
    p_ids = tok(prompt, add_special_tokens=False)["input_ids"]
    a_ids = tok(answer, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([p_ids + a_ids], device=next(model.parameters()).device)
    logp = torch.log_softmax(model(input_ids=ids).logits[0, len(p_ids) - 1:-1].float(), -1)
    token_logp = logp.gather(-1, ids[0, len(p_ids):, None])
    return (token_logp.mean() if reduce == "mean" else token_logp.sum()).item()


# --------------------------------------------------------------------------------------------
# uncertainty over the test items
# --------------------------------------------------------------------------------------------
def bootstrap_ci(values, n_boot: int = 2000, level: float = 0.95, seed: int = 0
                 ) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean of ``values`` (one number per test item, e.g. 1 for a
    right answer) and a percentile bootstrap interval: the items are resampled with
    replacement ``n_boot`` times, and the interval holds the middle ``level`` of the means."""
    v = torch.as_tensor(list(values), dtype=torch.float64)
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(len(v), (n_boot, len(v)), generator=g)
    means = v[idx].mean(1).sort().values
    lo = means[int((1 - level) / 2 * n_boot)].item()
    hi = means[min(n_boot - 1, int((1 + level) / 2 * n_boot))].item()
    return v.mean().item(), lo, hi


def paired_bootstrap_diff(a, b, n_boot: int = 2000, level: float = 0.95, seed: int = 0
                          ) -> tuple[float, float, float]:
    """``(mean, low, high)`` of ``a - b`` for two methods scored on the *same* items: resampling
    the items keeps each pair together, so what the items share (an easy review is easy for
    both) cancels, and the interval is narrower than the two separate ones suggest."""
    a = torch.as_tensor(list(a), dtype=torch.float64)
    b = torch.as_tensor(list(b), dtype=torch.float64)
    if a.shape != b.shape:
        raise ValueError(f"paired scores need the same items: {tuple(a.shape)} vs {tuple(b.shape)}")
    return bootstrap_ci(a - b, n_boot, level, seed)

