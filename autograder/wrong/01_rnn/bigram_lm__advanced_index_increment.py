def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Mistake: counts with counts[prev_ids, next_ids] += 1, which adds 1 only once for a pair
    that occurs several times (advanced-index assignment does not accumulate)."""
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    counts = torch.zeros(len(vocab), len(vocab))
    counts[ids[:-1], ids[1:]] += 1
    smoothed = counts + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)
