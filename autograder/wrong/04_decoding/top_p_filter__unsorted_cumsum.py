def top_p_filter(logits: torch.Tensor, p: float, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: accumulates probabilities in vocabulary order, without sorting them first."""
    probs = logits.softmax(dim=-1)
    before = probs.cumsum(dim=-1) - probs
    drop = before >= p
    drop[..., :min_tokens_to_keep] = False
    return logits.masked_fill(drop, float("-inf"))
