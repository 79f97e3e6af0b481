def causal_mask(T: int) -> torch.Tensor:
    """Mistake: a strict lower triangle: a position may not attend to itself (row 0 is empty)."""
    return torch.ones(T, T, dtype=torch.bool).tril(diagonal=-1)
