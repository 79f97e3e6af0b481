import torch
import torch.nn.functional as F


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Correct alternative: builds the DoRA weight W' = m * (W + s B A) / norm once (the norm
    detached) and applies it with F.linear, bias included."""
    s = alpha / A.shape[0]
    adapted = base.weight + s * (B @ A)
    norm = adapted.detach().pow(2).sum(dim=1).sqrt()
    weight = (magnitude / norm).unsqueeze(1) * adapted
    return F.linear(x, weight, base.bias)
