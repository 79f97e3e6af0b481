def causal_mask(T: int) -> torch.Tensor:
    """Correct alternative: broadcast comparison of row and column indices, j <= i."""
    i = torch.arange(T)
    return i[None, :] <= i[:, None]
