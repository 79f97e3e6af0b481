import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: lets gradients flow through the norm ||W + s B A||: the output is right but the
    gradients of A and B differ from peft's (which detaches the norm, as the paper suggests)."""
    s = alpha / A.shape[0]
    W = base.weight
    norm = (W + s * (B @ A)).norm(dim=1)
    out = (magnitude / norm) * (x @ W.T + s * (x @ A.T @ B.T))
    return out + base.bias if base.bias is not None else out
