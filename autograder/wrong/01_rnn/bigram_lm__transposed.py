def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Wrong: counts[next, prev] (rows indexed by the next character), normalised per row."""
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:]):
        counts[index[nxt], index[prev]] += 1
    smoothed = counts + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)
