def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: returns a Python float, which cuts the graph: backward() is no longer possible."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return float(alpha * loss_new.item() + (1.0 - alpha) * loss_original.item())
