def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Mistake: never samples; always returns the most likely token."""
    return logits.argmax(dim=-1)
