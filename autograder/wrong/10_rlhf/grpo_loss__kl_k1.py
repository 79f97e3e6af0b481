import torch


def grpo_loss(logprobs, old_logprobs, advantages, mask, loss_type="dapo", eps_low=0.2,
              eps_high=0.2, beta=0.0, ref_logprobs=None, max_completion_length=None):
    """Mistake: penalises with k1 (logprobs - ref) instead of k3."""
    if loss_type not in ("grpo", "bnpo", "dapo", "dr_grpo"):
        raise ValueError(loss_type)
    if loss_type == "dr_grpo" and max_completion_length is None:
        raise ValueError("max_completion_length")
    ratio = torch.exp(logprobs - old_logprobs.detach())
    adv = advantages.detach()[:, None]
    token_loss = -torch.minimum(ratio * adv, torch.clamp(ratio, 1 - eps_low, 1 + eps_high) * adv)
    if beta > 0:
        d = ref_logprobs.detach() - logprobs
        token_loss = token_loss + beta * (-d)
    m = mask.float()
    if loss_type == "grpo":
        return ((token_loss * m).sum(-1) / m.sum(-1).clamp(min=1.0)).mean()
    if loss_type == "dr_grpo":
        return (token_loss * m).sum() / (logprobs.shape[0] * max_completion_length)
    return (token_loss * m).sum() / m.sum().clamp(min=1.0)
