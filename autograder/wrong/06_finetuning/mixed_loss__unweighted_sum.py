def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: adds the two losses and ignores alpha."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return loss_new + loss_original
