import torch


def gae(rewards, values, mask, gamma=1.0, lam=0.95):
    """Correct, written differently: plain Python over each row's own length."""
    b, t = rewards.shape
    adv = [[0.0] * t for _ in range(b)]
    ret = [[0.0] * t for _ in range(b)]
    for i in range(b):
        n = int(mask[i].sum())
        a = 0.0
        for j in range(n - 1, -1, -1):
            v_next = float(values[i, j + 1]) if j + 1 < n else 0.0
            delta = float(rewards[i, j]) + gamma * v_next - float(values[i, j])
            a = delta + gamma * lam * a
            adv[i][j] = a
            ret[i][j] = a + float(values[i, j])
    return torch.tensor(adv, dtype=torch.float32), torch.tensor(ret, dtype=torch.float32)
