def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Wrong: (count + alpha) / count(i followed by anything): forgets alpha * |V| below."""
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:]):
        counts[index[prev], index[nxt]] += 1
    return (counts + alpha) / counts.sum(dim=1, keepdim=True)
