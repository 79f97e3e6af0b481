import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Mistake: runs the recursion forwards, from the first token."""
    m = mask.float()
    r = rewards.detach().float() * m
    v = values.detach().float() * m
    adv = torch.zeros_like(r)
    running = torch.zeros(r.shape[0])
    for t in range(r.shape[1]):
        next_v = v[:, t + 1] if t + 1 < r.shape[1] else torch.zeros(r.shape[0])
        delta = r[:, t] + gamma * next_v - v[:, t]
        running = (delta + gamma * lam * running) * m[:, t]
        adv[:, t] = running
    return adv, (adv + v) * m
