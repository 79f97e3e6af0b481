import math

import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Correct alternative: forms the (out, in) update with einsum first, then applies it to x
    with another einsum over the last dimension."""
    r = A.shape[0]
    scale = alpha * r ** -0.5 if use_rslora else alpha * r ** -1.0
    delta = torch.einsum("or,ri->oi", B, A)
    return base(x) + scale * torch.einsum("...i,oi->...o", x, delta)
