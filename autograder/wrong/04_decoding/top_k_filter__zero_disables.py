def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: treats k=0 as 'no top-k filtering' (as generate(top_k=0) does) instead of raising
    it to min_tokens_to_keep."""
    if k == 0:
        return logits.clone()
    kk = min(max(k, min_tokens_to_keep), logits.shape[-1])
    threshold = torch.topk(logits, kk, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < threshold, float("-inf"))
