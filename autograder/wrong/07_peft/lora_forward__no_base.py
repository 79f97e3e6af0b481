import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: returns only the LoRA branch, forgetting the frozen layer's output base(x)."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    return scaling * (x @ A.T @ B.T)
