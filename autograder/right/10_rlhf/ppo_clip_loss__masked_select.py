import torch


def ppo_clip_loss(logprobs, old_logprobs, advantages, mask, clip_eps=0.2):
    """Correct, written differently: select the masked tokens first."""
    keep = mask.bool()
    lp, old, a = logprobs[keep], old_logprobs[keep].detach(), advantages[keep].detach()
    ratio = torch.exp(lp - old)
    l1 = -a * ratio
    l2 = -a * torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps)
    return torch.max(l1, l2).mean(), (l2 > l1).float().mean()
