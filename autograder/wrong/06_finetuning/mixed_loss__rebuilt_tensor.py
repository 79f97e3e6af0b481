import torch


def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: rebuilds the result with torch.tensor(float(...)): the value is right and it is
    a tensor, but it is cut off from both losses, so backward() updates nothing."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return torch.tensor(float(alpha * loss_new + (1.0 - alpha) * loss_original))
