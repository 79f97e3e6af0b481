import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: takes the norm over dim=0 (of each column, one per INPUT feature) instead of
    each row of the (out, in) weight."""
    s = alpha / A.shape[0]
    W = base.weight
    norm = (W + s * (B @ A)).norm(dim=0).detach()
    out = (magnitude / norm) * (x @ W.T + s * (x @ A.T @ B.T))
    return out + base.bias if base.bias is not None else out
