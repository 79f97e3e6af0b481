def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: removes logits <= the k-th largest, so the k-th token itself is dropped."""
    kk = min(max(k, min_tokens_to_keep), logits.shape[-1])
    threshold = torch.topk(logits, kk, dim=-1).values[..., -1:]
    return logits.masked_fill(logits <= threshold, float("-inf"))
