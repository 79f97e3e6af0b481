import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: uses alpha instead of alpha / r as the LoRA scaling s."""
    s = alpha
    W = base.weight
    norm = (W + s * (B @ A)).norm(dim=1).detach()
    out = (magnitude / norm) * (x @ W.T + s * (x @ A.T @ B.T))
    return out + base.bias if base.bias is not None else out
