def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Mistake: counts pairs with text.count(a + b), which does not count overlapping
    occurrences ('aaa' contains 'aa' twice, str.count says once)."""
    V = len(vocab)
    counts = torch.tensor([[float(text.count(a + b)) for b in vocab] for a in vocab])
    smoothed = counts + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)
