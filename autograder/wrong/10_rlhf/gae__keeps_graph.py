import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Mistake: keeps the values' graph: the targets carry a gradient."""
    m = mask.float()
    r = rewards.float() * m
    v = values.float() * m
    adv = []
    running = torch.zeros(r.shape[0])
    for t in reversed(range(r.shape[1])):
        next_v = v[:, t + 1] if t + 1 < r.shape[1] else torch.zeros(r.shape[0])
        delta = r[:, t] + gamma * next_v - v[:, t]
        running = (delta + gamma * lam * running) * m[:, t]
        adv.insert(0, running)
    adv = torch.stack(adv, 1)
    return adv, (adv + v) * m
