def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: keeps exactly the k indices topk returns, dropping tokens tied with the k-th."""
    kk = min(max(k, min_tokens_to_keep), logits.shape[-1])
    keep = torch.zeros_like(logits, dtype=torch.bool)
    keep.scatter_(-1, torch.topk(logits, kk, dim=-1).indices, True)
    return logits.masked_fill(~keep, float("-inf"))
