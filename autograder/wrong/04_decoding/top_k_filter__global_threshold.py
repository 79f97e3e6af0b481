def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: one threshold for the whole batch (the k-th largest logit of the first row)."""
    kk = min(max(k, min_tokens_to_keep), logits.shape[-1])
    threshold = torch.topk(logits[0], kk).values[-1]
    return logits.masked_fill(logits < threshold, float("-inf"))
