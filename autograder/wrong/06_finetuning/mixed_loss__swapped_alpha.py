def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: alpha weights the original loss instead of the new one."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return (1.0 - alpha) * loss_new + alpha * loss_original
