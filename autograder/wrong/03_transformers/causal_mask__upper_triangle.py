def causal_mask(T: int) -> torch.Tensor:
    """Mistake: the upper triangle, so every position reads the future instead of the past."""
    return torch.ones(T, T, dtype=torch.bool).triu()
