import torch


def ppo_clip_loss(logprobs, old_logprobs, advantages, mask, clip_eps=0.2):
    """Correct, written differently: minus the minimum of the two objectives."""
    ratio = (logprobs - old_logprobs.detach()).exp()
    a = advantages.detach()
    obj = torch.min(ratio * a, ratio.clamp(1 - clip_eps, 1 + clip_eps) * a)
    keep = mask.bool()
    loss = -obj[keep].mean()
    clipped = torch.where(a >= 0, ratio > 1 + clip_eps, ratio < 1 - clip_eps)
    return loss, clipped[keep].float().mean()
