import torch


def ppo_clip_loss(logprobs, old_logprobs, advantages, mask, clip_eps=0.2):
    """Mistake: the ratio as logprobs / old_logprobs instead of exp of the difference."""
    ratio = logprobs / old_logprobs.detach()
    adv = advantages.detach()
    plain = -adv * ratio
    clipped = -adv * torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
    m = mask.float()
    tok = torch.maximum(plain, clipped)
    loss = (tok * m).sum() / m.sum()
    frac = ((clipped > plain).float() * m).sum() / m.sum()
    return loss, frac.detach()
