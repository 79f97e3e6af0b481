def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Mistake: filters the raw logits first and applies the temperature afterwards."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    scores = logits
    if top_k is not None:
        scores = top_k_filter(scores, top_k)
    if top_p is not None:
        scores = top_p_filter(scores, top_p)
    probs = torch.softmax(apply_temperature(scores, temperature), dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)
