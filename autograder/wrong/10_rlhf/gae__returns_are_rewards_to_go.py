import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Mistake: returns the discounted rewards to go instead of advantages + values."""
    m = mask.float()
    r = rewards.detach().float() * m
    v = values.detach().float() * m
    adv = torch.zeros_like(r)
    ret = torch.zeros_like(r)
    running = torch.zeros(r.shape[0])
    to_go = torch.zeros(r.shape[0])
    for t in reversed(range(r.shape[1])):
        next_v = v[:, t + 1] if t + 1 < r.shape[1] else torch.zeros(r.shape[0])
        delta = r[:, t] + gamma * next_v - v[:, t]
        running = (delta + gamma * lam * running) * m[:, t]
        to_go = (r[:, t] + gamma * to_go) * m[:, t]
        adv[:, t] = running
        ret[:, t] = to_go
    return adv, ret
