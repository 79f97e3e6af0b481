def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Correct alternative: vectorised counting with torch.bincount over flat pair indices, float32
    throughout, and the denominator written out as in the docstring."""
    V = len(vocab)
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    flat = ids[:-1] * V + ids[1:]
    counts = torch.bincount(flat, minlength=V * V).reshape(V, V).float()
    starts = counts.sum(dim=1, keepdim=True)
    return (counts + alpha) / (starts + alpha * V)
