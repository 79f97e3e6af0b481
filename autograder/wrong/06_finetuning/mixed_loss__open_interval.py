def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: rejects the end points alpha = 0 and alpha = 1, which are valid."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    return alpha * loss_new + (1.0 - alpha) * loss_original
