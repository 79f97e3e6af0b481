import torch


def group_advantages(rewards, group_size, scale="group"):
    """Mistake: no ValueError for sizes that do not divide, or for an unknown scale."""
    r = rewards.detach().float()
    groups = r[: r.numel() // max(group_size, 1) * max(group_size, 1)].view(-1, max(group_size, 1))
    centred = (groups - groups.mean(dim=1, keepdim=True)).reshape(-1)
    if scale == "none":
        return centred
    if scale == "group":
        std = groups.std(dim=1, keepdim=True) if group_size > 1 else torch.zeros_like(groups)
        std = std.expand_as(groups).reshape(-1)
    else:
        std = r.std() if r.numel() > 1 else torch.tensor(0.0)
    return centred / (std + 1e-4)
