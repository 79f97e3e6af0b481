import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: returns the update alone (peft's get_delta_weight), not the merged weight."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    update = scaling * (B @ A)
    return update.T if fan_in_fan_out else update
