def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: accepts any alpha, so alpha > 1 rewards a growing loss on the original data."""
    return alpha * loss_new + (1.0 - alpha) * loss_original
