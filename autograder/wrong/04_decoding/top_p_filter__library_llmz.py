def top_p_filter(logits: torch.Tensor, p: float, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Mistake: calls the course library's filter (the test forbids llmz.decoding.top_p_filter)."""
    from llmz.decoding import top_p_filter as library_top_p

    return library_top_p(logits, p, min_tokens_to_keep)
