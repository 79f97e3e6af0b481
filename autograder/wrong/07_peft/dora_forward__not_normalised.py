import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: multiplies by the magnitude without dividing by the norm: the direction is
    never made a unit vector."""
    s = alpha / A.shape[0]
    W = base.weight
    out = magnitude * (x @ W.T + s * (x @ A.T @ B.T))
    return out + base.bias if base.bias is not None else out
