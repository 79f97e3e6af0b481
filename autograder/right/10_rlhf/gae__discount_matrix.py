import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Correct, written differently: A = sum_k (gamma lam)^k delta_{t+k}, as a matrix product."""
    with torch.no_grad():
        m = mask.to(torch.float64)
        r = rewards.to(torch.float64) * m
        v = values.to(torch.float64) * m
        next_v = torch.cat([v[:, 1:] * m[:, 1:], torch.zeros_like(v[:, :1])], dim=1)
        delta = (r + gamma * next_v - v) * m
        t = delta.shape[1]
        k = torch.arange(t)
        power = (k[None, :] - k[:, None]).to(torch.float64)
        weights = torch.where(power >= 0, (gamma * lam) ** power.clamp(min=0),
                              torch.zeros(()).double())
        adv = (delta @ weights.T) * m
        return adv.float(), ((adv + v) * m).float()
