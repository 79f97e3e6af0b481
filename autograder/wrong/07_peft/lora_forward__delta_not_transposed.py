import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: multiplies x by B @ A (out, in) instead of its transpose; wrong for every square
    layer and a shape error for the others."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    return base(x) + scaling * (x @ (B @ A))
