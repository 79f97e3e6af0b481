import torch


def group_advantages(rewards, group_size, scale="group"):
    """Correct, written differently: torch.std_mean per group."""
    if scale not in ("group", "batch", "none"):
        raise ValueError(scale)
    if group_size <= 0 or len(rewards) % group_size:
        raise ValueError("bad group size")
    r = rewards.detach().to(torch.float32).reshape(-1, group_size)
    if group_size > 1:
        sd, mu = torch.std_mean(r, dim=1, keepdim=True)
    else:
        sd, mu = torch.zeros_like(r), r.clone()
    adv = r - mu
    if scale == "group":
        adv = adv / (sd + 1e-4)
    elif scale == "batch":
        flat = r.reshape(-1)
        adv = adv / ((flat.std() if flat.numel() > 1 else 0.0) + 1e-4)
    return adv.reshape(-1)
