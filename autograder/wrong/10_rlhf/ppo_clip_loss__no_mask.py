import torch


def ppo_clip_loss(logprobs, old_logprobs, advantages, mask, clip_eps=0.2):
    """Mistake: averages over every position, padding included."""
    ratio = torch.exp(logprobs - old_logprobs.detach())
    adv = advantages.detach()
    plain = -adv * ratio
    clipped = -adv * torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
    m = mask.float()
    tok = torch.maximum(plain, clipped)
    loss = tok.mean()
    frac = (clipped > plain).float().mean()
    return loss, frac.detach()
