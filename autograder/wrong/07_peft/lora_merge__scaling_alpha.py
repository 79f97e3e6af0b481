import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: scales the update by alpha instead of alpha / r."""
    update = alpha * (B @ A)
    if fan_in_fan_out:
        update = update.T
    return weight + update
