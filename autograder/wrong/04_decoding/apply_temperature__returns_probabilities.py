def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Mistake: returns probabilities (the softmax) instead of scaled logits."""
    return torch.softmax(logits / temperature, dim=-1)
