def causal_mask(T: int) -> torch.Tensor:
    """Mistake: off by one: position i may also attend to position i + 1."""
    return torch.ones(T, T, dtype=torch.bool).tril(diagonal=1)
