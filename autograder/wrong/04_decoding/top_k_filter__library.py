def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: lets transformers do the task (the test forbids TopKLogitsWarper)."""
    from transformers import TopKLogitsWarper

    return TopKLogitsWarper(k, min_tokens_to_keep=min_tokens_to_keep)(None, logits)
