import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: scales the LoRA branch by alpha instead of alpha / r (and alpha / sqrt(r))."""
    return base(x) + alpha * (x @ A.T @ B.T)
