import torch


def ppo_clip_loss(logprobs, old_logprobs, advantages, mask, clip_eps=0.2):
    """Mistake: clips the advantage instead of the ratio."""
    ratio = torch.exp(logprobs - old_logprobs.detach())
    adv = advantages.detach()
    plain = -adv * ratio
    clipped = -torch.clamp(adv, -clip_eps, clip_eps) * ratio
    m = mask.float()
    tok = torch.maximum(plain, clipped)
    loss = (tok * m).sum() / m.sum()
    frac = ((clipped > plain).float() * m).sum() / m.sum()
    return loss, frac.detach()
