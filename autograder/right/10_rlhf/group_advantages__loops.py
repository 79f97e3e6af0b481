import statistics

import torch


def group_advantages(rewards, group_size, scale="group"):
    """Correct, written differently: Python over the groups, statistics.stdev."""
    values = [float(x) for x in rewards]
    if group_size < 1 or len(values) % group_size != 0:
        raise ValueError("rewards do not split into groups")
    if scale not in ("group", "batch", "none"):
        raise ValueError("unknown scale")
    batch_sd = statistics.stdev(values) if len(values) > 1 else 0.0
    out = []
    for start in range(0, len(values), group_size):
        group = values[start:start + group_size]
        mean = sum(group) / len(group)
        sd = statistics.stdev(group) if len(group) > 1 else 0.0
        for x in group:
            if scale == "none":
                out.append(x - mean)
            elif scale == "group":
                out.append((x - mean) / (sd + 1e-4))
            else:
                out.append((x - mean) / (batch_sd + 1e-4))
    return torch.tensor(out, dtype=torch.float32)
