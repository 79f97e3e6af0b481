import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Correct alternative: clones the weight and accumulates the update into the copy with
    torch.addmm (A.T @ B.T for the (in, out) layout)."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    merged = weight.clone()
    if fan_in_fan_out:
        return torch.addmm(merged, A.T, B.T, alpha=scaling)
    return torch.addmm(merged, B, A, alpha=scaling)
