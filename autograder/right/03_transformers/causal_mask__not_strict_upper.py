def causal_mask(T: int) -> torch.Tensor:
    """Correct alternative: the complement of the strict upper triangle, via torch.triu."""
    return ~torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
