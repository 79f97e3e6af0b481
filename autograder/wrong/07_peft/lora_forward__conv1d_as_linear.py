import math

import torch
import torch.nn.functional as F


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: computes the frozen part as F.linear(x, base.weight, base.bias), which is right
    for nn.Linear but uses the transposed matrix for a Conv1D (weight stored (in, out))."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    return F.linear(x, base.weight, base.bias) + scaling * (x @ A.T @ B.T)
