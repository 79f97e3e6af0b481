def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Mistake: multiplies the logits by the temperature instead of dividing."""
    return logits * temperature
