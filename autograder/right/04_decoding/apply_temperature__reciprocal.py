def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Correct alternative: multiply by the inverse temperature (torch.mul, a new tensor)."""
    return torch.mul(logits, 1.0 / temperature)
