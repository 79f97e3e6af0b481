def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: does not cap k at the vocabulary size (torch.topk fails when k > V)."""
    kk = max(k, min_tokens_to_keep)
    threshold = torch.topk(logits, kk, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < threshold, float("-inf"))
