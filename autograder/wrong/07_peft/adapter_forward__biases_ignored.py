import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: leaves out both biases ("they start at zero anyway")."""
    return h + F.gelu(h @ params["W_down"].T) @ params["W_up"].T
