def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Mistake: divides the caller's logits in place (logits /= temperature) and returns them, so
    the caller's scores change too."""
    logits /= temperature
    return logits
