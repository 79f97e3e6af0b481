def causal_mask(T: int) -> torch.Tensor:
    """Correct alternative: nested Python lists of booleans, then torch.tensor."""
    return torch.tensor([[j <= i for j in range(T)] for i in range(T)], dtype=torch.bool)
