import torch


def grpo_loss(logprobs, old_logprobs, advantages, mask, loss_type="dapo", eps_low=0.2,
              eps_high=0.2, beta=0.0, ref_logprobs=None, max_completion_length=None):
    """Correct, written differently: per-answer token sums, then the aggregation."""
    if loss_type not in ("grpo", "bnpo", "dapo", "dr_grpo"):
        raise ValueError("unknown loss_type")
    if loss_type == "dr_grpo" and max_completion_length is None:
        raise ValueError("dr_grpo needs max_completion_length")
    sums, counts = [], []
    for i in range(logprobs.shape[0]):
        keep = mask[i].bool()
        lp = logprobs[i][keep]
        ratio = torch.exp(lp - old_logprobs[i][keep].detach())
        a = advantages[i].detach()
        clipped = ratio.clamp(1 - eps_low, 1 + eps_high)
        tok = torch.where(ratio * a < clipped * a, -ratio * a, -clipped * a)
        if beta > 0:
            log_q_over_p = ref_logprobs[i][keep].detach() - lp
            tok = tok + beta * (torch.exp(log_q_over_p) - log_q_over_p - 1)
        sums.append(tok.sum())
        counts.append(int(keep.sum()))
    total = torch.stack(sums)
    if loss_type == "grpo":
        return torch.stack([s / max(c, 1) for s, c in zip(sums, counts)]).mean()
    if loss_type == "dr_grpo":
        return total.sum() / (len(sums) * max_completion_length)
    return total.sum() / max(sum(counts), 1)
