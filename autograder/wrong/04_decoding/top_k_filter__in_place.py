def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: masked_fill_ writes the -inf into the caller's logits (the docstring asks for a new
    tensor and an unmodified input)."""
    kk = min(max(k, min_tokens_to_keep), logits.shape[-1])
    threshold = torch.topk(logits, kk, dim=-1).values[..., -1:]
    return logits.masked_fill_(logits < threshold, float("-inf"))
