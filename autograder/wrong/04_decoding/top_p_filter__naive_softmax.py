def top_p_filter(logits: torch.Tensor, p: float, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: probabilities as exp(x) / exp(x).sum(), which overflows (inf / inf = NaN) for
    large logits, so nothing is filtered."""
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    e = sorted_logits.exp()
    probs = e / e.sum(dim=-1, keepdim=True)
    tail = probs.flip(-1).cumsum(dim=-1).flip(-1)
    drop_sorted = tail <= 1 - p
    drop_sorted[..., :min_tokens_to_keep] = False
    drop = drop_sorted.scatter(-1, order, drop_sorted)
    return logits.masked_fill(drop, float("-inf"))
