import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: takes rsLoRA's scaling as sqrt(alpha / r) instead of alpha / sqrt(r)."""
    r = A.shape[0]
    scaling = math.sqrt(alpha / r) if use_rslora else alpha / r
    return base(x) + scaling * (x @ A.T @ B.T)
