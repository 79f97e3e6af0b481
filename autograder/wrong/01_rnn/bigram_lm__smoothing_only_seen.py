def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Wrong: adds alpha only to the pairs that occur, so unseen pairs keep probability 0."""
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:]):
        counts[index[prev], index[nxt]] += 1
    smoothed = torch.where(counts > 0, counts + alpha, counts)
    totals = smoothed.sum(dim=1, keepdim=True)
    return torch.where(totals > 0, smoothed / totals.clamp(min=1e-12), torch.full_like(smoothed, 1 / len(vocab)))
