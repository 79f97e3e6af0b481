import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: computes the LoRA branch under torch.no_grad() ("it is only an addition"): the
    values are right, but no gradient reaches A and B, so the adapter never trains."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    with torch.no_grad():
        update = scaling * (x @ A.T @ B.T)
    return base(x) + update
