def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: `alpha < 0 or alpha > 1` is False for NaN, so alpha = nan is accepted."""
    if alpha < 0 or alpha > 1:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return alpha * loss_new + (1.0 - alpha) * loss_original
