import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: rescales base(x), bias included, by magnitude / norm; the bias must be added
    after the rescaling."""
    s = alpha / A.shape[0]
    W = base.weight
    norm = (W + s * (B @ A)).norm(dim=1).detach()
    return (magnitude / norm) * (base(x) + s * (x @ A.T @ B.T))
