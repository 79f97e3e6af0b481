import torch


def group_advantages(rewards, group_size, scale="group"):
    """Mistake: scale='batch' divides by the group's standard deviation."""
    if group_size < 1 or rewards.numel() % group_size:
        raise ValueError("groups")
    if scale not in ("group", "batch", "none"):
        raise ValueError("scale")
    r = rewards.detach().float()
    groups = r.view(-1, group_size)
    centred = (groups - groups.mean(dim=1, keepdim=True)).reshape(-1)
    if scale == "none":
        return centred
    if scale == "group":
        std = groups.std(dim=1, keepdim=True) if group_size > 1 else torch.zeros_like(groups)
        std = std.expand_as(groups).reshape(-1)
    else:
        std = groups.std(dim=1, keepdim=True).expand_as(groups).reshape(-1) if r.numel() > 1 else torch.tensor(0.0)
    return centred / (std + 1e-4)
