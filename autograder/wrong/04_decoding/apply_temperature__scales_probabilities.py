def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Mistake: divides the probabilities, not the logits, by the temperature."""
    return torch.softmax(logits, dim=-1) / temperature
