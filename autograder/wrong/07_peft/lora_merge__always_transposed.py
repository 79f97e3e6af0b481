import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: has the two layouts the wrong way round: adds (B A)^T to an nn.Linear weight
    (out, in) and B A to a fan_in_fan_out weight (in, out)."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    update = scaling * (A.T @ B.T)
    if fan_in_fan_out:
        update = update.T
    return weight + update
