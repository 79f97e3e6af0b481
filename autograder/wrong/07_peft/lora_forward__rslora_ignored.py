import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: ignores use_rslora, always scaling by alpha / r (rsLoRA needs alpha / sqrt(r))."""
    r = A.shape[0]
    return base(x) + (alpha / r) * (x @ A.T @ B.T)
