def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Wrong (off by one): divides by how often i occurs, counting the final character too."""
    index = {ch: i for i, ch in enumerate(vocab)}
    counts = torch.zeros(len(vocab), len(vocab))
    for prev, nxt in zip(text, text[1:]):
        counts[index[prev], index[nxt]] += 1
    occurrences = torch.tensor([float(text.count(ch)) for ch in vocab])
    return (counts + alpha) / (occurrences[:, None] + alpha * len(vocab))
