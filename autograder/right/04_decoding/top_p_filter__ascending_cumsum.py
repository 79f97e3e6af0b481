def top_p_filter(logits: torch.Tensor, p: float, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Correct alternative: sort ascending, in float64, and drop each token whose mass together
    with all less likely ones is <= 1 - p (i.e. whose preceding mass is >= p)."""
    probs = logits.double().softmax(dim=-1)
    ascending, order = torch.sort(probs, dim=-1, descending=False)
    tail = ascending.cumsum(dim=-1)             # mass of the token and every less likely one
    drop_sorted = tail <= 1.0 - p
    drop_sorted[..., -min_tokens_to_keep:] = False
    drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
    return torch.where(drop, torch.full_like(logits, float("-inf")), logits)
