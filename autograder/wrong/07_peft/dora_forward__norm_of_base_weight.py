import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: normalises by the row norms of the frozen W instead of the adapted W + s B A."""
    s = alpha / A.shape[0]
    W = base.weight
    norm = W.norm(dim=1).detach()
    out = (magnitude / norm) * (x @ W.T + s * (x @ A.T @ B.T))
    return out + base.bias if base.bias is not None else out
