import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: ignores use_rslora (alpha / r always, instead of alpha / sqrt(r) for rsLoRA)."""
    update = (alpha / A.shape[0]) * (B @ A)
    if fan_in_fan_out:
        update = update.T
    return weight + update
