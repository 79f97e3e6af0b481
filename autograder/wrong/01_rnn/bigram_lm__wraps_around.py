def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Wrong: treats the text as circular, adding the pair (last character, first character)."""
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:] + text[:1]):
        counts[index[prev], index[nxt]] += 1
    smoothed = counts + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)
