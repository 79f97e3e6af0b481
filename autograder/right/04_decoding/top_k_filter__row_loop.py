def top_k_filter(logits: torch.Tensor, k: int, min_tokens_to_keep: int = 1) -> torch.Tensor:
    """Correct alternative: one row at a time with Python's sorted()."""
    out = logits.clone()
    for row in range(logits.shape[0]):
        values = logits[row].tolist()
        kk = min(max(k, min_tokens_to_keep), len(values))
        threshold = sorted(values, reverse=True)[kk - 1]
        for v, x in enumerate(values):
            if x < threshold:
                out[row, v] = float("-inf")
    return out
