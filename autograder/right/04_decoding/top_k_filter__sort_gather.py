def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Correct alternative: sort each row, read the threshold with gather, torch.where."""
    vocab = logits.shape[-1]
    kk = min(max(k, min_tokens_to_keep), vocab)
    ordered = torch.sort(logits, dim=-1, descending=True).values
    index = torch.full(logits.shape[:-1] + (1,), kk - 1, dtype=torch.long, device=logits.device)
    threshold = ordered.gather(-1, index)
    return torch.where(logits >= threshold, logits, torch.full_like(logits, float("-inf")))
