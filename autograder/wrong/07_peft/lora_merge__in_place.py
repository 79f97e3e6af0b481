import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: adds the update to `weight` in place (weight += ...): the caller's unmerged
    weight is destroyed."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    update = scaling * (B @ A)
    weight += update.T if fan_in_fan_out else update
    return weight
