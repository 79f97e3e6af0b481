import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Mistake: whitens the advantages (PPO does that later, not GAE)."""
    m = mask.float()
    r = rewards.detach().float() * m
    v = values.detach().float() * m
    adv = torch.zeros_like(r)
    running = torch.zeros(r.shape[0])
    for t in reversed(range(r.shape[1])):
        next_v = v[:, t + 1] if t + 1 < r.shape[1] else torch.zeros(r.shape[0])
        delta = r[:, t] + gamma * next_v - v[:, t]
        running = (delta + gamma * lam * running) * m[:, t]
        adv[:, t] = running
    ret = (adv + v) * m
    mean = (adv * m).sum() / m.sum()
    std = (((adv - mean) ** 2 * m).sum() / m.sum()).sqrt()
    return (adv - mean) / (std + 1e-8) * m, ret
