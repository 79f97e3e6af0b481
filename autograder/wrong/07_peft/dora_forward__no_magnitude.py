import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: plain LoRA: ignores the magnitude and the normalisation."""
    s = alpha / A.shape[0]
    return base(x) + s * (x @ A.T @ B.T)
