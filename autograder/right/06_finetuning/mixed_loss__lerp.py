def mixed_loss(loss_new: torch.Tensor, loss_original: torch.Tensor, alpha: float) -> torch.Tensor:
    """Correct alternative: torch.lerp(original, new, alpha) = original + alpha * (new - original)."""
    if not (0 <= alpha <= 1):  # also rejects NaN
        raise ValueError("alpha must be in [0, 1]")
    return torch.lerp(loss_original, loss_new, alpha)
