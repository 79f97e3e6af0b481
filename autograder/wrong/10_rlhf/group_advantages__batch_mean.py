import torch


def group_advantages(rewards, group_size, scale="group"):
    """Mistake: centres on the batch mean instead of the group's."""
    if group_size < 1 or rewards.numel() % group_size:
        raise ValueError("groups")
    if scale not in ("group", "batch", "none"):
        raise ValueError("scale")
    r = rewards.detach().float()
    groups = r.view(-1, group_size)
    centred = (groups - r.mean()).reshape(-1)
    if scale == "none":
        return centred
    if scale == "group":
        std = groups.std(dim=1, keepdim=True) if group_size > 1 else torch.zeros_like(groups)
        std = std.expand_as(groups).reshape(-1)
    else:
        std = r.std() if r.numel() > 1 else torch.tensor(0.0)
    return centred / (std + 1e-4)
