def causal_mask(T: int) -> torch.Tensor:
    """Mistake: a float 0/1 mask; PyTorch adds float masks to the scores instead of blocking."""
    return torch.ones(T, T).tril()
